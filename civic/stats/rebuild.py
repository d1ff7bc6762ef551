"""Recompute every statistics aggregate from the tables (``flask stats rebuild``).

The aggregates are kept up to date by ``tracking.py`` as events happen; this is for data that
arrived around the ORM (bulk imports, the benchmark) and for a first install. It streams the
rows once and writes the counters in one transaction.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select

from civic.db import unit_of_work
from civic.extensions import db
from civic.stats import models as m
from civic.stats.tracking import local_day, petition_answer_deltas, report_count_deltas, report_fix_deltas

CHUNK = 5000


def _stream(query):
    return db.session.execute(query.execution_options(yield_per=CHUNK))


def _petitions(deltas: Counter, open_rows: list) -> None:
    from civic.petitions.models import OPEN_STATUSES, Petition

    query = select(Petition.id, Petition.created_at, Petition.department_id, Petition.status, Petition.due_at,
                   Petition.answered_at)
    for row in _stream(query):
        deltas[(m.PETITION_RECEIVED, local_day(row.created_at), str(row.department_id), "", "")] += 1
        if row.answered_at is not None:
            for key, n in petition_answer_deltas(row, row.department_id).items():
                deltas[key] += n
        if row.status in OPEN_STATUSES:
            open_rows.append({"petition_id": row.id, "department_id": row.department_id, "due_at": row.due_at})


def _reports(deltas: Counter) -> None:
    from civic.reports.models import Report, ReportUpdate

    fixed_at = (select(ReportUpdate.report_id, func.max(ReportUpdate.created_at).label("fixed_at"))
                .where(ReportUpdate.new_status == "closed").group_by(ReportUpdate.report_id).subquery())
    query = (select(Report.created_at, Report.service_id, Report.district_code, Report.status,
                    Report.close_reason, Report.updated_at, fixed_at.c.fixed_at)
             .outerjoin(fixed_at, fixed_at.c.report_id == Report.id))
    for row in _stream(query):
        for key, n in report_count_deltas(row, row.status).items():
            deltas[key] += n
        if row.status == "closed" and row.close_reason == "fixed":
            for key, n in report_fix_deltas(row, row.fixed_at or row.updated_at).items():
                deltas[key] += n


def _participation(deltas: Counter) -> None:
    from civic.participation.models import PollVote, Proposal

    query = select(Proposal.department_id, Proposal.threshold_reached_at, Proposal.responded_at,
                   Proposal.response_due_at).where(Proposal.threshold_reached_at.is_not(None))
    for row in _stream(query):
        dept = str(row.department_id or "")
        deltas[(m.PROPOSAL_THRESHOLD, local_day(row.threshold_reached_at), dept, "", "")] += 1
        if row.responded_at is not None:
            day = local_day(row.responded_at)
            deltas[(m.PROPOSAL_RESPONDED, day, dept, "", "")] += 1
            if row.response_due_at is not None and row.responded_at <= row.response_due_at:
                deltas[(m.PROPOSAL_ON_TIME, day, dept, "", "")] += 1
    for row in _stream(select(PollVote.created_at, PollVote.poll_id)):
        deltas[(m.POLL_VOTES, local_day(row.created_at), str(row.poll_id), "", "")] += 1


def rebuild() -> dict[str, int]:
    """Replace the aggregates with a fresh count; returns rows written per table."""
    deltas: Counter = Counter()
    open_rows: list = []
    _petitions(deltas, open_rows)
    _reports(deltas)
    _participation(deltas)
    rows = [{"metric": k[0], "day": k[1], "k1": k[2], "k2": k[3], "k3": k[4], "n": n}
            for k, n in sorted(deltas.items()) if n]
    with unit_of_work():
        db.session.execute(delete(m.StatCount))
        db.session.execute(delete(m.OpenPetition))
        for start in range(0, len(rows), CHUNK):
            db.session.execute(m.StatCount.__table__.insert(), rows[start:start + CHUNK])
        for start in range(0, len(open_rows), CHUNK):
            db.session.execute(m.OpenPetition.__table__.insert(), open_rows[start:start + CHUNK])
    return {"stat_counts": len(rows), "stat_open_petitions": len(open_rows)}
