"""With Redis: the handler and the sending are RQ jobs; a failed send is scheduled again."""

from __future__ import annotations

from sqlalchemy import select

from civic import jobs
from civic.extensions import db
from civic.mail.models import OutboxMessage
from tests.factories import make_user


def work(queue) -> None:
    from rq import SimpleWorker

    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_mail_goes_through_rq_and_a_failure_is_scheduled_with_backoff(app, client, mailbox, redis_url):
    from rq.registry import ScheduledJobRegistry

    user = make_user(email="rq@example.org")
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    client.post("/password-reset", data={"email": "rq@example.org"})
    assert mailbox.messages("rq@example.org") == []  # nothing sent inside the request
    queue = jobs.get_queue()
    mailbox.refuse_next = 1
    work(queue)  # the event handler writes the outbox row and queues the send, which fails once
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == user.id))
    assert row.state == "pending" and row.attempts == 1
    scheduled = ScheduledJobRegistry(queue=queue)
    assert len(scheduled.get_job_ids()) == 1  # retried after the backoff by the RQ scheduler
    # When it comes due (here: run it now), the mail goes out once.
    [job_id] = scheduled.get_job_ids()
    from rq.job import Job

    job = Job.fetch(job_id, connection=queue.connection)
    assert jobs.run_job(*job.args) == "pending"  # too early: not before its backoff ends
    from datetime import timedelta

    from civic.db import unit_of_work

    with unit_of_work():
        row.not_before -= timedelta(minutes=2)  # the backoff has passed
    assert jobs.run_job(*job.args) == "sent"
    [mail] = mailbox.wait_for("rq@example.org")
    assert "/password-reset/" in mail.get_body(preferencelist=("plain",)).get_content()
    assert jobs.run_job(*job.args) == "sent"  # run twice: still one mail
    assert len(mailbox.messages("rq@example.org")) == 1
