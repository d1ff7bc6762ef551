"""Job functions for the job-layer tests; importable by a real ``rq worker`` process."""

from civic import audit
from civic.db import unit_of_work


def write_audit_entry(action: str, subject_id: str) -> str:
    with unit_of_work():
        audit.record(None, action, "job-test", subject_id)
    return f"{action}:{subject_id}"


def fail_loudly():
    raise RuntimeError("job failed")
