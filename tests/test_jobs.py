import os
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest

from civic import jobs
from civic.audit import AuditEntry
from tests.jobs_fixture import fail_loudly, write_audit_entry

ROOT = Path(__file__).resolve().parent.parent


def test_inline_jobs_run_now_in_the_app_context(app, db):
    handle = jobs.enqueue(write_audit_entry, "inline", "1")
    assert handle.inline and handle.id is None and handle.result == "inline:1"
    assert db.session.query(AuditEntry).filter_by(action="inline").count() == 1


def test_inline_job_failures_propagate(app):
    with pytest.raises(RuntimeError):
        jobs.enqueue(fail_loudly)


def test_jobs_go_through_a_real_rq_worker(app, db, redis_url):
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    handle = jobs.enqueue(write_audit_entry, "queued", "42")
    assert not handle.inline and handle.id
    # Nothing ran yet: the job waits in Redis.
    assert db.session.query(AuditEntry).filter_by(action="queued").count() == 0
    assert jobs.get_queue().count == 1

    env = dict(os.environ, REDIS_URL=redis_url, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               INSTANCE_PATH=app.instance_path, SECRET_KEY="test", PYTHONPATH=str(ROOT))
    rq = Path(sys.executable).parent / "rq"
    result = subprocess.run([str(rq), "worker", "--burst", "--url", redis_url, "default"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]

    db.session.expire_all()
    assert db.session.query(AuditEntry).filter_by(action="queued", subject_id="42").count() == 1
    from rq.job import Job

    job = Job.fetch(handle.id, connection=jobs.redis_connection())
    assert job.get_status() == "finished" and job.return_value() == "queued:42"


def test_rq_keeps_failed_jobs_visible(app, redis_url):
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    handle = jobs.enqueue(fail_loudly)
    from rq import SimpleWorker
    from rq.job import Job

    queue = jobs.get_queue()
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    job = Job.fetch(handle.id, connection=queue.connection)
    assert job.get_status() == "failed"
    assert handle.id in queue.failed_job_registry.get_job_ids()


# --- the embedded pool: a durable jobs table, threads in the web process --------------------------

def pool_mode(app, **extra):
    app.config.update(JOBS_INLINE=False, JOBS_BACKEND="pool", REDIS_URL=None, **extra)


def job_rows(db):
    from civic.jobs import Job

    db.session.expire_all()
    return db.session.query(Job).order_by(Job.id).all()


def test_without_redis_the_default_backend_is_the_pool(app):
    app.config.update(JOBS_INLINE=False, JOBS_BACKEND="", REDIS_URL=None)
    assert jobs.backend() == "pool"
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/4")
    assert jobs.backend() == "rq"
    app.config.update(JOBS_BACKEND="pool")
    assert jobs.backend() == "pool"


def test_a_pool_job_is_a_committed_row_until_a_pool_runs_it(app, db):
    pool_mode(app)
    handle = jobs.enqueue(write_audit_entry, "pooled", "7")
    assert not handle.inline and handle.id
    [row] = job_rows(db)
    assert (row.state, row.name, row.attempts) == ("queued", "tests.jobs_fixture:write_audit_entry", 0)
    assert db.session.query(AuditEntry).filter_by(action="pooled").count() == 0

    pool = jobs.Pool(app, threads=1, lease_s=30)
    assert pool.run_one() is True
    assert pool.run_one() is False  # nothing else due
    db.session.expire_all()
    assert db.session.query(AuditEntry).filter_by(action="pooled", subject_id="7").count() == 1
    [row] = job_rows(db)
    assert (row.state, row.attempts, row.owner) == ("done", 1, pool.owner) and row.finished_at


def test_a_failing_pool_job_is_retried_then_kept_failed_with_its_error(app, db):
    pool_mode(app)
    jobs.enqueue(fail_loudly, retries=1, retry_intervals=[0])
    pool = jobs.Pool(app, threads=1, lease_s=30)
    assert pool.run_one()
    [row] = job_rows(db)
    assert (row.state, row.attempts) == ("queued", 1) and "RuntimeError: job failed" in row.error
    assert pool.run_one()
    [row] = job_rows(db)
    assert (row.state, row.attempts) == ("failed", 2) and "job failed" in row.error
    assert pool.run_one() is False


def test_a_job_whose_pool_died_is_taken_over_when_its_lease_runs_out(app, db):
    pool_mode(app)
    jobs.enqueue(write_audit_entry, "taken-over", "1", retries=2)
    assert jobs.claim("dead-process", lease_s=0.2) is not None  # claimed, then the process died
    alive = jobs.Pool(app, threads=1, lease_s=30)
    assert alive.run_one() is False  # the lease still holds: nobody runs it twice at once
    time.sleep(0.3)
    assert alive.run_one() is True
    [row] = job_rows(db)
    assert (row.state, row.attempts, row.owner) == ("done", 2, alive.owner)
    db.session.expire_all()
    assert db.session.query(AuditEntry).filter_by(action="taken-over").count() == 1


def test_scheduled_pool_jobs_wait_for_their_time(app, db):
    from datetime import timedelta

    from civic.db import utcnow

    pool_mode(app)
    jobs.enqueue_at(utcnow() + timedelta(hours=1), write_audit_entry, "later", "1")
    assert jobs.Pool(app, threads=1, lease_s=30).run_one() is False
    assert job_rows(db)[0].state == "queued"


def test_the_pool_runs_in_background_threads_started_by_the_first_request(app, db, client):
    pool_mode(app, JOBS_POOL_THREADS=2)
    try:
        client.get("/healthz")
        assert jobs.running_pool(app) is not None  # the web process's pool is running
        for i in range(5):
            jobs.enqueue(write_audit_entry, "background", str(i))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(r.state != "done" for r in job_rows(db)):
            time.sleep(0.05)
        assert [r.state for r in job_rows(db)] == ["done"] * 5
        db.session.expire_all()
        assert db.session.query(AuditEntry).filter_by(action="background").count() == 5
    finally:
        jobs.stop_pool(app)


def test_a_pool_whose_database_is_away_logs_one_traceback_and_tries_less_often(app, db, caplog, monkeypatch):
    from sqlalchemy.exc import OperationalError

    pool_mode(app)
    monkeypatch.setattr(jobs, "POLL_S", 0.05)
    tries = []

    def database_away(owner, lease_s):
        tries.append(time.monotonic())
        raise OperationalError("SELECT jobs.id FROM jobs", {}, Exception("no such table: jobs"))

    monkeypatch.setattr(jobs, "claim", database_away)
    pool = jobs.Pool(app, threads=1, lease_s=30)
    pool.start()
    try:
        time.sleep(1.0)
    finally:
        pool.stop(timeout=5)
    tracebacks = [r for r in caplog.records if r.name == "civic.jobs" and r.exc_info]
    assert len(tracebacks) == 1
    # 0.05 s doubling after each failure: a handful of tries in a second, not one per poll (20).
    assert 3 <= len(tries) <= 6
    gaps = [b - a for a, b in pairwise(tries)]
    assert gaps == sorted(gaps)
