from civic.alerts.models import Alert, Delivery
from civic.audit import entries_for
from tests.alerts.helpers import GANGNAM, JONGNO, subscribe


def test_alerts_send_fans_out_and_prints_the_id_last(app, db, runner, departments, push_service):
    flaky, _ = subscribe(push_service, "flaky", failures=1, districts=[JONGNO])
    ok, _ = subscribe(push_service, districts=[GANGNAM])
    result = runner.invoke(args=["alerts", "send", "--type", "fire", "--level", "urgent", "--district", GANGNAM,
                                 "--district", JONGNO, "--headline", "대형 화재", "--body", "연기 주의",
                                 "--instruction", "창문을 닫으세요.", "--expires-in", "30"])
    assert result.exit_code == 0, result.output
    alert_id = int(result.output.strip().splitlines()[-1])
    alert = db.session.get(Alert, alert_id)
    assert alert.status == "sent" and alert.districts == [JONGNO, GANGNAM]
    # Returned only after the fan-out finished, the 503 retry included.
    assert len(flaky.received) == 1 and len(ok.received) == 1
    assert {d.state for d in db.session.query(Delivery).filter_by(alert_id=alert_id)} == {"sent"}
    assert [e.detail.get("via") for e in entries_for("alert", alert_id)] == ["cli"]


def test_alerts_send_emergency_needs_two_officers(app, db, runner, officers):
    base = ["alerts", "send", "--type", "earthquake", "--level", "emergency", "--district", GANGNAM,
            "--headline", "지진", "--body", "대피하세요"]
    result = runner.invoke(args=base)
    assert result.exit_code != 0 and "two alert officers" in result.output
    result = runner.invoke(args=base + ["--officer", "officer1@example.org"])
    assert result.exit_code != 0 and db.session.query(Alert).filter_by(status="sent").count() == 0
    result = runner.invoke(args=base + ["--officer", "officer1@example.org", "--approver", "officer2@example.org"])
    assert result.exit_code == 0, result.output
    alert = db.session.get(Alert, int(result.output.strip().splitlines()[-1]))
    assert alert.status == "sent" and alert.approved_by_id == officers[1].id


def test_alerts_send_rejects_unknown_districts(runner, app):
    result = runner.invoke(args=["alerts", "send", "--type", "fire", "--level", "safety", "--district", "99999",
                                 "--headline", "h", "--body", "b"])
    assert result.exit_code != 0 and "99999" in result.output


def test_resume_stalled_requeues_alerts_still_sending(app, db, runner, officers, push_service):
    from datetime import timedelta

    from civic.alerts import service
    from civic.db import unit_of_work, utcnow
    from tests.alerts.helpers import alert_data

    device, _ = subscribe(push_service)
    alert = service.create_draft(officers[0], alert_data())
    with unit_of_work():  # as if the worker died before planning
        alert.status, alert.sent_at = "sending", utcnow() - timedelta(minutes=30)
    result = runner.invoke(args=["alerts", "resume-stalled", "--older-than", "10"])
    assert result.exit_code == 0 and f"resumed 1 alert(s): {alert.id}" in result.output
    assert len(device.received) == 1
    db.session.refresh(alert)
    assert alert.status == "sent"


def test_alerts_send_on_the_embedded_pool_follows_the_fanout_in_the_foreground(app, db, runner, departments,
                                                                             push_service):
    from civic import jobs
    from civic.jobs import Job

    app.config.update(JOBS_INLINE=False, JOBS_BACKEND="pool", JOBS_POOL_THREADS=2)
    devices = [subscribe(push_service, districts=[GANGNAM])[0] for _ in range(6)]
    result = runner.invoke(args=["alerts", "send", "--type", "fire", "--level", "urgent", "--district", GANGNAM,
                                 "--headline", "대형 화재", "--body", "연기 주의"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    alert_id = int(lines[-1])
    assert "sending: " in result.output and lines[-2] == "delivered: 6 sent, 0 failed, 0 gone"
    db.session.expire_all()
    assert db.session.get(Alert, alert_id).status == "sent"
    assert [len(d.received) for d in devices] == [1] * 6
    assert {j.state for j in db.session.query(Job)} == {"done"}  # it ran from the durable table
    assert jobs.running_pool(app) is None  # the foreground pool stopped with the command
