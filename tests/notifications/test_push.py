"""Personal updates end to end against the loopback push service, which decrypts every message."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from civic import jobs
from civic.db import unit_of_work, utcnow
from civic.notifications import push
from civic.notifications.models import Device, PersonalDelivery
from civic.notifications.quiet_hours import parse_quiet_hours, quiet_until
from civic.notifications.service import notify
from tests.conftest import login
from tests.factories import make_user
from tests.notifications.conftest import link


def rows(db, **filters):
    db.session.expire_all()
    return db.session.query(PersonalDelivery).filter_by(**filters).all()


def test_a_staff_answer_in_the_console_reaches_each_linked_device_once(client, app, db, push_service, departments):
    from civic.petitions import service, triage
    from civic.petitions.seed import seed

    seed()
    citizen = make_user(email="citizen@example.org")
    stranger = make_user()
    staff = make_user("staff", "PARKS", email="parks@example.org")
    petition = service.file_petition(citizen, type_code="parks", title="Broken bench", body="Near the gate.")
    triage.assign(staff, petition.receipt_no, staff.id)
    phone, _ = link(push_service, citizen)
    laptop, _ = link(push_service, citizen)
    strangers_phone, _ = link(push_service, stranger)
    staff_phone, _ = link(push_service, staff)

    login(client, "parks@example.org")
    response = client.post(f"/staff/petitions/{petition.receipt_no}/answer",
                           data={"answer-body": "The bench was repaired today."})
    assert response.status_code == 302

    # Delivery ran as the after-commit job of NotificationCreated (in-process without Redis): done.
    assert push_service.errors == []
    for device in (phone, laptop):
        assert len(device.received) == 1
        message = device.received[0]
        assert message["url"] == f"/petitions/{petition.receipt_no}"
        assert petition.receipt_no in message["title"]
        assert message["kind"] == "petition"
        assert "bench" not in message["title"] + message["body"]  # nothing of the petition's text
    assert strangers_phone.received == [] and staff_phone.received == []


def test_a_retried_job_never_sends_twice(app, db, push_service):
    user = make_user()
    device, _ = link(push_service, user)
    with unit_of_work():
        note = notify(user, "petition", "민원 2026-000001 답변", "답변을 확인하세요.", "/petitions/2026-000001")
    assert [r.state for r in rows(db, notification_id=note.id)] == ["sent"]
    assert push.deliver(note.id) == {}  # the job again: the row exists and was sent
    assert push.send_due()["sent"] == 0
    assert len(device.received) == 1


def test_gone_removes_the_device_link_and_retries_stay_bounded(app, db, push_service):
    user = make_user()
    gone, gone_link = link(push_service, user, behaviour="gone")
    gone_id = gone_link.id
    flaky, _ = link(push_service, user, behaviour="flaky", failures=1)
    down, _ = link(push_service, user, behaviour="flaky", failures=99)
    with unit_of_work():
        note = notify(user, "report_update", "제보 #7 처리 상태 변경", "", "/reports/7")
    states = sorted(r.state for r in rows(db, notification_id=note.id))
    assert states == ["failed", "gone", "sent"]
    assert len(flaky.received) == 1
    assert down.requests == 3  # PUSH_MAX_ATTEMPTS
    assert db.session.get(Device, gone_id) is None and gone.requests == 1


def test_quiet_hours_delay_personal_updates_but_never_alerts(app, db, push_service, departments):
    from civic.alerts import service as alerts
    from tests.alerts.helpers import send_alert, subscribe

    local = utcnow().astimezone(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
    start, end = ((local + timedelta(hours=h)).time().replace(second=0, microsecond=0) for h in (-1, 1))
    app.config["PERSONAL_PUSH_QUIET_HOURS"] = (start, end)
    user = make_user()
    device, _ = link(push_service, user)
    with unit_of_work():
        note = notify(user, "petition", "민원 2026-000002 접수", "", "/petitions/2026-000002")
    [row] = rows(db, notification_id=note.id)
    assert row.state == "pending" and row.not_before > utcnow() and device.received == []

    officer = make_user("alert_officer")
    alert_device, _ = subscribe(push_service)
    send_alert(officer)
    assert len(alert_device.received) == 1  # alerts ignore quiet hours
    assert alerts is not None

    assert push.send_due(now=row.not_before - timedelta(seconds=1)) == {"sent": 0, "failed": 0, "gone": 0}
    assert push.send_due(now=row.not_before + timedelta(seconds=1))["sent"] == 1
    assert len(device.received) == 1


def test_push_due_command_sends_what_quiet_hours_held(app, db, push_service, runner):
    user = make_user()
    device, linked = link(push_service, user)
    with unit_of_work():
        note = notify(user, "petition", "민원 2026-000003 접수")
        db.session.flush()
        db.session.add(PersonalDelivery(notification_id=note.id, device_id=linked.id, state="pending",
                                        not_before=utcnow() - timedelta(minutes=1), updated_at=utcnow()))
    # The channel's own run finds the row planned already and sends it once; the command then has nothing.
    assert len(device.received) == 1
    result = runner.invoke(args=["notifications", "push-due"])
    assert result.exit_code == 0 and "sent=0" in result.output
    assert len(device.received) == 1


def test_with_redis_the_push_is_a_job_on_the_push_queue(app, db, push_service, redis_url):
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    user = make_user()
    link(push_service, user)
    with unit_of_work():
        notify(user, "report_update", "제보 처리 상태가 바뀌었습니다")
    assert jobs.get_queue(app.config["PUSH_QUEUE"]).count == 1


SEOUL = "Asia/Seoul"


def seoul(hour, minute=0, day=1):
    return datetime(2026, 12, day, hour, minute, tzinfo=ZoneInfo(SEOUL)).astimezone(UTC)


@pytest.mark.parametrize("value", ["22:00", "25:00-08:00", "08:00-08:00", "night"])
def test_quiet_hours_parser_refuses_nonsense(value):
    with pytest.raises(ValueError):
        parse_quiet_hours(value)


def test_quiet_until_wraps_past_midnight():
    window = parse_quiet_hours("22:00-08:00")
    assert parse_quiet_hours("") is None and quiet_until(seoul(23), None, SEOUL) is None
    assert quiet_until(seoul(23, 30), window, SEOUL) == seoul(8, day=2)
    assert quiet_until(seoul(3), window, SEOUL) == seoul(8)
    assert quiet_until(seoul(8), window, SEOUL) is None
    assert quiet_until(seoul(21, 59), window, SEOUL) is None
    assert quiet_until(seoul(13), parse_quiet_hours("12:00-14:00"), SEOUL) == seoul(14)


def test_a_device_with_a_broken_endpoint_never_stops_the_others(app, db, push_service):
    """A device row whose endpoint slipped past the check (planted here) fails alone, with the
    reason; the account's other devices get the update."""
    from tests.webpush.pushservice import b64u

    user = make_user()
    phone, _ = link(push_service, user)
    broken = push_service.new_device()
    with unit_of_work():
        db.session.add(Device(user_id=user.id, endpoint=f"{push_service.origin}/push/한국", p256dh=broken.p256dh,
                              auth=b64u(broken.auth_secret), created_at=utcnow() - timedelta(minutes=1)))
    laptop, _ = link(push_service, user)
    with unit_of_work():
        note = notify(user, "petition", "Answer to 2026-0001", url="/petitions/2026-0001")
    # Delivery ran as an after-commit job (inline in tests): no waiting needed.
    assert len(phone.received) == 1 and len(laptop.received) == 1
    states = sorted((r.state, "RFC 3986" in r.error) for r in rows(db, notification_id=note.id))
    assert states == [("failed", True), ("sent", False), ("sent", False)]


def test_petition_notices_by_email_only_skip_push(app, db, push_service):
    from civic.notifications.preferences import set_preferences

    user = make_user()
    device, _ = link(push_service, user)
    set_preferences(user, petition_channel="email")
    with unit_of_work():
        petition_note = notify(user, "petition", "민원 2026-000002 답변", "", "/petitions/2026-000002")
        report_note = notify(user, "report_update", "신고 #1", "", "/reports/1")
    assert [r.state for r in rows(db, notification_id=report_note.id)] == ["sent"]
    assert rows(db, notification_id=petition_note.id) == []
    assert [m["kind"] for m in device.received] == ["report_update"]
