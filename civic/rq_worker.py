"""The RQ worker class of civic: ``rq worker --worker-class civic.rq_worker.Worker …``.

RQ forks a work horse per job. With the app built once in the worker's parent (imports,
settings, catalogs: seconds on a busy machine), each horse starts with it instead of building
its own, which would otherwise delay every fan-out batch by that much.
"""

from __future__ import annotations

from rq import Worker as _RQWorker

from civic import jobs


class Worker(_RQWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        jobs.preload_worker_app()
