"""Background work: RQ on ``REDIS_URL`` when it is set, the same function inline otherwise.

Jobs are enqueued by dotted name and run inside an application context, so a job function is a
plain function of the feature's service layer and works the same in a worker and in-process.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

_worker_app = None


@dataclass
class JobHandle:
    """What ``enqueue`` returns: the RQ job id, or the inline result."""

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


def redis_connection(url: str | None = None):
    from redis import Redis

    return Redis.from_url(url or current_app.config["REDIS_URL"])


def get_queue(name: str = "default"):
    from rq import Queue

    return Queue(name, connection=redis_connection())


def enqueue(func: Callable, *args, queue: str = "default", retries: int = 0,
            retry_intervals: list[int] | None = None, job_timeout: int = 600, **kwargs) -> JobHandle:
    """Run ``func(*args, **kwargs)`` in the background.

    With Redis it goes to RQ queue ``queue`` (``retries`` with ``retry_intervals`` seconds
    between); without, it runs now, in this process and app context, and its exceptions
    propagate so that nothing fails silently.
    """
    name = _dotted_name(func)
    if current_app.config["JOBS_INLINE"]:
        return JobHandle(id=None, inline=True, result=func(*args, **kwargs))
    from rq import Retry

    retry = Retry(max=retries, interval=retry_intervals or [10, 60, 300][:max(retries, 1)]) if retries else None
    job = get_queue(queue).enqueue(
        run_job, name, args, kwargs, retry=retry, job_timeout=job_timeout,
        description=name,
    )
    log.info("enqueued %s as %s on %s", name, job.id, queue)
    return JobHandle(id=job.id, inline=False)


def run_job(name: str, args: tuple, kwargs: dict):
    """Entry point inside an ``rq worker``: build the app once per worker process."""
    global _worker_app
    from flask import has_app_context

    func = _resolve(name)
    if has_app_context():
        return func(*args, **kwargs)
    if _worker_app is None:
        from civic import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            return func(*args, **kwargs)
        finally:
            from civic.extensions import db

            db.session.remove()
