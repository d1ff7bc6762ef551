"""The embedded default (no Redis): "Send" returns at once and the fan-out runs on the job pool
inside the web process, from the durable ``jobs`` table; killed mid-way and restarted, the new
process finishes it, every message delivered exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from civic import jobs
from civic.alerts import service
from civic.alerts.models import Alert
from civic.jobs import Job
from tests.alerts.helpers import alert_data, subscribe
from tests.alerts.test_fanout import ROOT, deliveries
from tests.alerts.test_fanout_isolation import plant
from tests.conftest import login


def wait_until(condition, timeout_s=60.0, what="condition"):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_send_in_the_console_returns_at_once_and_the_pool_fans_out(app, db, client, officers, push_service):
    app.config.update(JOBS_INLINE=False, JOBS_BACKEND="pool", JOBS_POOL_THREADS=2, PUSH_BATCH_SIZE=100)
    devices = [push_service.new_device() for _ in range(400)]
    plant(push_service, [(push_service.endpoint(d), d) for d in devices])
    alert = service.create_draft(officers[0], alert_data())
    login(client, "officer1@example.org")
    try:
        started = time.monotonic()
        response = client.post(f"/staff/alerts/{alert.id}/send")
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 1.0, elapsed
        # The request only wrote the planning job: no push went out inside it.
        delivered_during_request = sum(len(d.received) for d in devices)
        assert delivered_during_request < len(devices)
        wait_until(lambda: db.session.get(Alert, alert.id) is not None
                   and (db.session.expire_all() or db.session.get(Alert, alert.id).status == "sent"),
                   what="the alert to be sent")
    finally:
        jobs.stop_pool(app)
    assert [len(d.received) for d in devices] == [1] * 400
    assert {j.state for j in db.session.query(Job)} == {"done"}


def web_process(app, **extra) -> subprocess.Popen:
    """A process with the app's job pool (what a web process runs in its background threads)."""
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], INSTANCE_PATH=app.instance_path,
               SECRET_KEY="test", PYTHONPATH=str(ROOT), JOBS_BACKEND="pool", FLASK_APP="app.py",
               PUSH_SERVICE_ALLOWLIST=" ".join(app.config["PUSH_SERVICE_ALLOWLIST"]),
               VAPID_PRIVATE_KEY=app.config["VAPID_PRIVATE_KEY"], PUSH_BATCH_SIZE="8", PUSH_CONCURRENCY="8")
    env.pop("REDIS_URL", None)
    env.update(extra)
    flask = str(ROOT / ".venv" / "bin" / "flask") if (ROOT / ".venv" / "bin" / "flask").exists() \
        else os.path.join(os.path.dirname(sys.executable), "flask")
    return subprocess.Popen([flask, "jobs", "work", "--threads", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_the_fanout_survives_a_restart_of_the_web_process(app, db, officers, push_service):
    answered = [subscribe(push_service)[0] for _ in range(4)]
    hanging = [subscribe(push_service, "hang")[0] for _ in range(4)]
    app.config.update(JOBS_INLINE=False, JOBS_BACKEND="pool", JOBS_POOL_THREADS=0)
    alert = service.send(officers[0], service.create_draft(officers[0], alert_data()))
    assert alert.status == "sending"

    first = web_process(app, PUSH_TIMEOUT_S="60", JOBS_LEASE_S="2")
    try:
        def midway():
            states = sorted(d.state for d in deliveries(db, alert).values())
            return states == ["sending"] * 4 + ["sent"] * 4
        wait_until(midway, what="4 sent and 4 in flight")
    finally:
        os.kill(first.pid, signal.SIGKILL)  # the web process dies mid-fan-out
        first.wait(10)
    for device in hanging:  # never accepted; from now on those phones answer normally
        device.behaviour = "ok"
    push_service.release.set()
    time.sleep(2.5)  # the dead process's job lease runs out (nothing renews it)
    assert sorted(d.state for d in deliveries(db, alert).values()) == ["sending"] * 4 + ["sent"] * 4
    assert [len(d.received) for d in hanging] == [0] * 4

    second = web_process(app, PUSH_CLAIM_LEASE_S="1", JOBS_LEASE_S="2")  # the restarted web process
    try:
        def finished():
            db.session.expire_all()
            return db.session.get(Alert, alert.id).status == "sent"
        wait_until(finished, what="the restarted process to finish the alert")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    assert [len(d.received) for d in answered + hanging] == [1] * 8  # each exactly once
    rows = deliveries(db, alert)
    assert len(rows) == 8 and {d.state for d in rows.values()} == {"sent"}
    assert push_service.errors == []
