"""Background work: one API, ``enqueue(fn, *args, **kwargs)``, three ways to run it.

``JOBS_BACKEND`` chooses (unset: ``rq`` with ``REDIS_URL``, else ``pool``):

- ``rq``: the job goes to an RQ queue in Redis and an ``rq worker`` process runs it.
- ``pool``: the job is a row of the ``jobs`` table (durable: it survives a restart) and a small
  pool of threads *inside the web process* runs it, so the embedded default needs no second
  process. A running job holds a lease that its pool renews; a pool that dies (the process was
  killed or restarted) stops renewing, and any pool takes the job over when the lease runs out.
- ``inline``: the job runs now, in the caller (tests: ``JOBS_INLINE``), exceptions propagate.

Jobs are named by dotted path and run inside an application context, so a job function is a
plain function of the feature's service layer and works the same everywhere. Jobs must be safe
to run again (a retry, a take-over after a crash): the alert fan-out and personal pushes are, by
their delivery rows.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Index, LargeBinary, String, Text, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from civic.db import IdMixin, TimestampMixin, rowcount, utcnow
from civic.extensions import Model

log = logging.getLogger(__name__)

_worker_app = None
_worker_pid: int | None = None
BACKENDS = ("inline", "pool", "rq")
DEFAULT_RETRY_INTERVALS = [10, 60, 300]
POLL_S = 0.5  # an idle pool looks for due jobs this often (an enqueue in this process wakes it)
KEEP_FINISHED = timedelta(days=1)
MAX_BACKOFF_S = 30.0  # the longest wait between tries while the database is away


class Job(IdMixin, TimestampMixin, Model):
    """A job of the embedded pool: ``queued`` → ``running`` (leased by one pool) → ``done`` | ``failed``;
    a failed attempt goes back to ``queued`` at a later ``run_at`` while attempts remain."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_at", "state", "run_at"),)

    name: Mapped[str] = mapped_column(String(200))
    queue: Mapped[str] = mapped_column(String(40), default="default")
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # pickled (args, kwargs), as RQ stores them
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=1)
    retry_intervals: Mapped[str] = mapped_column(String(100), default="")
    run_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    owner: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[datetime | None]


@dataclass
class JobHandle:
    """What ``enqueue`` returns: the RQ job id or ``jobs`` row id, or the inline result."""

    id: str | None
    inline: bool
    result: Any = None


def _dotted_name(func: Callable) -> str:
    return f"{func.__module__}:{func.__qualname__}"


def _resolve(name: str) -> Callable:
    module_name, _, attr = name.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        target = getattr(target, part)
    return target


def backend() -> str:
    """``inline``, ``pool`` or ``rq`` for the current app (``JOBS_INLINE`` wins: tests)."""
    config = current_app.config
    if config.get("JOBS_INLINE"):
        return "inline"
    chosen = config.get("JOBS_BACKEND") or ""
    if chosen in BACKENDS:
        return chosen
    return "rq" if config.get("REDIS_URL") else "pool"


def redis_connection(url: str | None = None):
    from redis import Redis

    return Redis.from_url(url or current_app.config["REDIS_URL"])


def get_queue(name: str = "default"):
    from rq import Queue

    return Queue(name, connection=redis_connection())


def enqueue(func: Callable, *args, queue: str = "default", retries: int = 0,
            retry_intervals: list[int] | None = None, job_timeout: int = 600, **kwargs) -> JobHandle:
    """Run ``func(*args, **kwargs)`` in the background.

    ``rq``: RQ queue ``queue`` (``retries`` with ``retry_intervals`` seconds between). ``pool``: a
    row of the ``jobs`` table, committed before this returns, run by a pool with the same retries.
    ``inline``: now, in this process and app context; exceptions propagate so nothing fails silently.
    """
    return _submit(func, args, kwargs, None, queue, retries, retry_intervals, job_timeout)


def enqueue_at(when: datetime, func: Callable, *args, queue: str = "default", retries: int = 0,
               **kwargs) -> JobHandle | None:
    """Run ``func`` at ``when`` (RQ's scheduler, or the pool's ``run_at``). Inline there is no
    clock to wait on: nothing is scheduled and None is returned (cron commands cover it)."""
    if backend() == "inline":
        return None
    return _submit(func, args, kwargs, when, queue, retries, None, 600)


def _submit(func, args, kwargs, when, queue, retries, retry_intervals, job_timeout) -> JobHandle:
    name = _dotted_name(func)
    mode = backend()
    intervals = retry_intervals or DEFAULT_RETRY_INTERVALS[:max(retries, 1)]
    if mode == "inline":
        return JobHandle(id=None, inline=True, result=func(*args, **kwargs))
    if mode == "pool":
        job_id = _insert(name, queue, args, kwargs, retries + 1, intervals, when or utcnow())
        log.info("enqueued %s as job %s", name, job_id)
        wake()
        return JobHandle(id=str(job_id), inline=False)
    from rq import Retry

    retry = Retry(max=retries, interval=intervals) if retries else None
    if when is not None:
        job = get_queue(queue).enqueue_at(when, run_job, name, args, kwargs, retry=retry, job_timeout=job_timeout,
                                          description=name)
    else:
        job = get_queue(queue).enqueue(run_job, name, args, kwargs, retry=retry, job_timeout=job_timeout,
                                       description=name)
    log.info("enqueued %s as %s on %s", name, job.id, queue)
    return JobHandle(id=job.id, inline=False)


def preload_worker_app():
    """Build the app in an RQ worker's parent process (``civic.rq_worker.Worker``), so the work
    horse forked for each job inherits it, imports done, instead of building it per job."""
    global _worker_app, _worker_pid
    from civic import create_app

    _worker_app, _worker_pid = create_app(), os.getpid()
    return _worker_app


def run_job(name: str, args: tuple, kwargs: dict):
    """Entry point inside an ``rq worker``: build the app once per worker process."""
    global _worker_pid
    from flask import has_app_context

    from civic.extensions import db

    func = _resolve(name)
    if has_app_context():
        return func(*args, **kwargs)
    app = _worker_app or preload_worker_app()
    with app.app_context():
        if _worker_pid != os.getpid():  # a forked work horse: its own connections, never the parent's
            db.engine.dispose(close=False)
            _worker_pid = os.getpid()
        try:
            return func(*args, **kwargs)
        finally:
            db.session.remove()


# --- the embedded pool ---------------------------------------------------------------------------

def _engine():
    from civic.extensions import db

    return db.engine


def _insert(name: str, queue: str, args: tuple, kwargs: dict, max_attempts: int, intervals: list[int],
            run_at: datetime) -> int:
    """Commit the job row on a connection of its own (independent of the caller's session), so
    it exists before ``enqueue`` returns."""
    values = {"name": name, "queue": queue, "payload": pickle.dumps((tuple(args), dict(kwargs))),
              "state": "queued", "attempts": 0, "max_attempts": max_attempts,
              "retry_intervals": " ".join(str(int(i)) for i in intervals), "run_at": run_at,
              "error": "", "created_at": utcnow()}
    with _engine().begin() as conn:
        return conn.execute(insert(Job).values(**values).returning(Job.id)).scalar_one()


def _ready(now: datetime):
    return or_(and_(Job.state == "queued", Job.run_at <= now),
               and_(Job.state == "running", Job.lease_until < now))


def claim(owner: str, lease_s: float) -> tuple[int, str, bytes, int, int, str] | None:
    """Take the next due job (or one whose pool stopped renewing its lease): compare-and-set on
    the row, so two pools (two web processes) never run the same job at once."""
    now = utcnow()
    engine = _engine()
    with engine.begin() as conn:
        candidates = list(conn.execute(select(Job.id).where(_ready(now)).order_by(Job.run_at, Job.id)
                                       .limit(8)).scalars())
    for job_id in candidates:
        with engine.begin() as conn:
            taken = conn.execute(update(Job).where(Job.id == job_id, _ready(now)).values(
                state="running", owner=owner, lease_until=now + timedelta(seconds=lease_s),
                attempts=Job.attempts + 1))
            if rowcount(taken) == 1:
                row = conn.execute(select(Job.id, Job.name, Job.payload, Job.attempts, Job.max_attempts,
                                          Job.retry_intervals).where(Job.id == job_id)).one()
                return row.id, row.name, row.payload, row.attempts, row.max_attempts, row.retry_intervals
    return None


def _finish(job_id: int, owner: str, error: str | None, attempts: int, max_attempts: int, intervals: str) -> None:
    now = utcnow()
    mine = and_(Job.id == job_id, Job.owner == owner, Job.state == "running")
    if error is None:
        values: dict[str, Any] = {"state": "done", "finished_at": now, "lease_until": None, "error": ""}
    elif attempts < max_attempts:
        waits = [int(w) for w in intervals.split()] or DEFAULT_RETRY_INTERVALS
        delay = waits[min(attempts - 1, len(waits) - 1)]
        values = {"state": "queued", "run_at": now + timedelta(seconds=delay), "lease_until": None,
                  "owner": None, "error": error}
    else:
        values = {"state": "failed", "finished_at": now, "lease_until": None, "error": error}
    with _engine().begin() as conn:
        conn.execute(update(Job).where(mine).values(**values))


class Pool:
    """Threads that run the ``jobs`` table's due jobs in this process, and a heartbeat that
    renews the lease of the jobs they run."""

    def __init__(self, app: Flask, threads: int, lease_s: float):
        self.app = app
        self.threads = threads
        self.lease_s = lease_s
        self.owner = uuid.uuid4().hex
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self._workers: list[threading.Thread] = []
        self._last_prune = utcnow()

    def start(self) -> None:
        for i in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"civic-jobs-{i}", daemon=True)
            thread.start()
            self._workers.append(thread)
        threading.Thread(target=self._heartbeat, name="civic-jobs-heartbeat", daemon=True).start()
        with _live_lock:
            _live.add(self)
        log.info("job pool started: %d thread(s), lease %.0f s", self.threads, self.lease_s)

    def stop(self, timeout: float | None = None) -> None:
        with _live_lock:
            _live.discard(self)
        self.stopping.set()
        self.wakeup.set()
        for thread in self._workers:
            thread.join(timeout)

    def _heartbeat(self) -> None:
        while not self.stopping.wait(self.lease_s / 3):
            try:
                with self.app.app_context(), _engine().begin() as conn:
                    conn.execute(update(Job).where(Job.owner == self.owner, Job.state == "running")
                                 .values(lease_until=utcnow() + timedelta(seconds=self.lease_s)))
            except Exception:  # noqa: BLE001 - the database may be away for a moment; try again
                log.exception("job pool heartbeat failed")

    def _loop(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            try:
                ran = self.run_one()
                failures = 0
            except Exception as exc:  # noqa: BLE001 - never let the pool die; the database may come back
                # One traceback per outage, then one line per try, trying less often (up to
                # MAX_BACKOFF_S): a database that is away must not flood the log.
                if failures == 0:
                    log.exception("job pool could not take a job")
                else:
                    log.warning("job pool still cannot take a job (%d tries): %s", failures + 1, exc)
                failures += 1
                ran = False
            if not ran:
                self.wakeup.wait(min(POLL_S * 2 ** failures, MAX_BACKOFF_S) if failures else POLL_S)
                self.wakeup.clear()

    def run_one(self) -> bool:
        """Claim and run one due job; False when there was none."""
        with self.app.app_context():
            taken = claim(self.owner, self.lease_s)
            self._prune()
        if taken is None:
            return False
        job_id, name, payload, attempts, max_attempts, intervals = taken
        error = None
        with self.app.app_context():
            from civic.extensions import db

            try:
                args, kwargs = pickle.loads(payload)
                _resolve(name)(*args, **kwargs)
            except Exception:  # noqa: BLE001 - recorded on the row, retried or failed
                error = traceback.format_exc()[-4000:]
                log.exception("job %s (%s) failed, attempt %d of %d", job_id, name, attempts, max_attempts)
            finally:
                db.session.remove()
            _finish(job_id, self.owner, error, attempts, max_attempts, intervals)
        return True

    def _prune(self) -> None:
        now = utcnow()
        if now - self._last_prune < timedelta(minutes=10):
            return
        self._last_prune = now
        with _engine().begin() as conn:
            conn.execute(delete(Job).where(Job.state == "done", Job.finished_at < now - KEEP_FINISHED))


POOL = "civic_jobs_pool"          # app.extensions key: the app's running pool in this process
_pools_lock = threading.Lock()
_live: set[Pool] = set()  # every started pool, any app: threads are the process's to find and stop
_live_lock = threading.Lock()


def live_pools() -> list[Pool]:
    """The pools running in this process (any app)."""
    with _live_lock:
        return list(_live)


def running_pool(app: Flask) -> Pool | None:
    """This process's running pool of ``app`` (None when none was started)."""
    return app.extensions.get(POOL)


def start_pool(app: Flask, threads: int | None = None) -> Pool | None:
    """Start this process's pool for ``app`` (once); None when the backend is not ``pool``."""
    with app.app_context():
        if backend() != "pool":
            return None
    with _pools_lock:
        pool = running_pool(app)
        if pool is None:
            count = threads if threads is not None else int(app.config["JOBS_POOL_THREADS"])
            if count <= 0:
                return None
            pool = app.extensions[POOL] = Pool(app, count, float(app.config["JOBS_LEASE_S"]))
            pool.start()
    return pool


def stop_pool(app: Flask) -> None:
    with _pools_lock:
        pool = app.extensions.pop(POOL, None)
    if pool is not None:
        pool.stop(timeout=30)


def wake() -> None:
    """An enqueue in this process: let its pool look now rather than at the next poll."""
    pool = current_app.extensions.get(POOL)
    if pool is not None:
        pool.wakeup.set()


def init_app(app: Flask) -> None:
    """The web process starts its pool with the first request it serves (a health check is
    enough), so jobs left by a previous process are taken over without anyone asking."""

    @app.before_request
    def _start_job_pool() -> None:
        # Checked on every request (a dict lookup and a setting), not once per process: the
        # backend can be chosen after the app is built (tests reuse one app per configuration).
        if POOL not in app.extensions and backend() == "pool":
            start_pool(app)
