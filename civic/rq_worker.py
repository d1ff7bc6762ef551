"""The RQ worker classes of civic: ``rq worker --worker-class civic.rq_worker.SimpleWorker …``
(the Procfile's: jobs in the worker process) or ``civic.rq_worker.Worker`` (a work horse per job).

RQ forks a work horse per job. With the app built once in the worker's parent (imports,
settings, catalogs: seconds on a busy machine), each horse starts with it instead of building
its own, which would otherwise delay every fan-out batch by that much.
"""

from __future__ import annotations

from rq import SimpleWorker as _RQSimpleWorker
from rq import Worker as _RQWorker

from civic import jobs


class Worker(_RQWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        jobs.preload_worker_app()


class SimpleWorker(_RQSimpleWorker):
    """Runs each job in the worker process itself, with no work horse: the database connections
    and the push services' kept-alive connections stay open from one batch to the next, and no
    fork is paid per job. The price is RQ's isolation: a job that crashes the interpreter takes
    the worker with it (its claimed delivery rows are resumed after ``PUSH_CLAIM_LEASE_S``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        jobs.preload_worker_app()
