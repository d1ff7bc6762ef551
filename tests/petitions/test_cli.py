"""``flask petitions remind``: run directly (cron) or through the job queue (RQ)."""

from datetime import timedelta

from civic.db import unit_of_work, utcnow
from civic.notifications.models import Notification
from tests.petitions.conftest import file


def _make_one_overdue(people):
    petition = file(people.citizen)
    with unit_of_work():
        petition.due_at = utcnow() - timedelta(hours=1)
    return petition


def test_remind_command_notifies_the_department(runner, db, people):
    _make_one_overdue(people)
    result = runner.invoke(args=["petitions", "remind"])
    assert result.exit_code == 0, result.output
    assert "reminders sent to 3 staff" in result.output          # staff, colleague, department admin
    assert db.session.query(Notification).filter_by(kind="petition_reminder").count() == 3


def test_nothing_due_sends_nothing(runner, db, people):
    file(people.citizen)
    result = runner.invoke(args=["petitions", "remind", "--enqueue"])
    assert result.exit_code == 0 and "reminders sent to 0 staff" in result.output


def test_remind_through_rq(app, runner, db, people, redis_url):
    from rq import SimpleWorker

    from civic import jobs

    _make_one_overdue(people)
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    result = runner.invoke(args=["petitions", "remind", "--enqueue"])
    assert result.exit_code == 0 and "enqueued job" in result.output
    assert db.session.query(Notification).filter_by(kind="petition_reminder").count() == 0
    queue = jobs.get_queue()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    db.session.expire_all()
    assert db.session.query(Notification).filter_by(kind="petition_reminder").count() == 3
