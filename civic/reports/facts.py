"""What the domain events of reports say about a report (``civic.events.ReportFacts``).

"Fixed at" has one definition, here: a report closed as ``fixed`` was fixed when the latest
update closing it was written (a report closed before updates were kept: its ``updated_at``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select

from civic.events import ReportFacts
from civic.extensions import db
from civic.reports.models import Report, ReportUpdate

CHUNK = 5000


def is_fixed(status: str, close_reason: str | None) -> bool:
    return status == "closed" and close_reason == "fixed"


def fixed_at(report: Report) -> datetime | None:
    if not is_fixed(report.status, report.close_reason):
        return None
    closed = db.session.scalar(select(func.max(ReportUpdate.created_at)).where(
        ReportUpdate.report_id == report.id, ReportUpdate.new_status == "closed"))
    return closed or report.updated_at


def facts(report: Report, fixed: datetime | None = None) -> ReportFacts:
    """The report's facts; ``fixed`` is the closing time when the caller has just closed it."""
    when = fixed if fixed is not None and is_fixed(report.status, report.close_reason) else fixed_at(report)
    return ReportFacts(service_id=report.service_id, district_code=report.district_code, status=report.status,
                       created_at=report.created_at, fixed_at=when)


def snapshot() -> Iterator[tuple[int, ReportFacts]]:
    """Every report's facts, streamed in chunks of plain columns (for a recount from the tables:
    no ORM objects, a server-side cursor on PostgreSQL)."""
    closed = (select(ReportUpdate.report_id, func.max(ReportUpdate.created_at).label("closed_at"))
              .where(ReportUpdate.new_status == "closed").group_by(ReportUpdate.report_id).subquery())
    query = (select(Report.id, Report.service_id, Report.district_code, Report.status, Report.close_reason,
                    Report.created_at, Report.updated_at, closed.c.closed_at)
             .outerjoin(closed, closed.c.report_id == Report.id)
             .execution_options(stream_results=True, yield_per=CHUNK))
    for report_id, service_id, district_code, status, close_reason, created_at, updated_at, closed_at in \
            db.session.connection().execute(query):
        fixed = (closed_at or updated_at) if is_fixed(status, close_reason) else None
        yield report_id, ReportFacts(service_id, district_code, status, created_at, fixed)
