import os
import subprocess
import sys
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
