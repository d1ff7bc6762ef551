"""Keep the statistics aggregates up to date as events happen.

One ``after_flush`` listener turns what the flush wrote — a petition filed, transferred or
answered, a report's status changed, a proposal's threshold reached or response given, a poll
vote — into counter deltas, written in the same transaction (an upsert per counter, in key
order so concurrent transactions never deadlock). Features need not know about statistics.
What bypasses the ORM (bulk loads) is covered by ``flask stats rebuild``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, event, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from civic.stats import models as m
from civic.timezone import holiday_country

Key = tuple[str, date, str, str, str]


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_day(moment: datetime) -> date:
    return moment.astimezone(_zone(current_app.config["BABEL_DEFAULT_TIMEZONE"] or "Asia/Seoul")).date()


@lru_cache(maxsize=4096)
def _working_days_between(start: date, end: date, country: str) -> int:
    from civic.petitions.deadlines import is_working_day

    days, current = 0, start
    while current < end:
        current = date.fromordinal(current.toordinal() + 1)
        if is_working_day(current, country):
            days += 1
    return days


def working_days(received_at: datetime, answered_at: datetime) -> int:
    """Working days after the day of receipt up to the day of the answer (same day: 0)."""
    country = holiday_country()
    return _working_days_between(local_day(received_at), local_day(answered_at), country)


def _history(obj, name):
    """(old value, changed) of an attribute in the flush being processed."""
    hist = inspect(obj).attrs[name].history
    if not hist.has_changes():
        return None, False
    return (hist.deleted[0] if hist.deleted else None), True


def _old_department_id(petition) -> int | None:
    old, changed = _history(petition, "department")
    if changed and old is not None:
        return old.id
    old, changed = _history(petition, "department_id")
    return old if changed else None


def petition_answer_deltas(petition, department_id) -> Counter:
    deltas: Counter = Counter()
    day, dept = local_day(petition.answered_at), str(department_id)
    deltas[(m.PETITION_ANSWERED, day, dept, "", "")] += 1
    if petition.answered_at <= petition.due_at:
        deltas[(m.PETITION_ON_TIME, day, dept, "", "")] += 1
    wd = working_days(petition.created_at, petition.answered_at)
    deltas[(m.PETITION_ANSWER_DAYS, day, dept, str(wd), "")] += 1
    return deltas


def report_fix_deltas(report, fixed_at: datetime) -> Counter:
    days = max(0, (fixed_at - report.created_at).days)
    return Counter({(m.REPORT_FIX_DAYS, local_day(fixed_at), str(report.service_id), str(days), ""): 1})


def report_count_deltas(report, status: str, sign: int = 1) -> Counter:
    day = local_day(report.created_at)
    return Counter({(m.REPORT_SERVICE, day, str(report.service_id), status, ""): sign,
                    (m.REPORT_DISTRICT, day, report.district_code or "", status, ""): sign})


def _petition(obj, new: bool, deltas: Counter, open_rows: list) -> None:
    from civic.petitions.models import OPEN_STATUSES

    created = local_day(obj.created_at)
    if new:
        deltas[(m.PETITION_RECEIVED, created, str(obj.department_id), "", "")] += 1
        if obj.status in OPEN_STATUSES:
            open_rows.append(("insert", obj.id, obj.department_id, obj.due_at))
        if obj.answered_at is not None:
            deltas.update(petition_answer_deltas(obj, obj.department_id))
        return
    old_department = _old_department_id(obj)
    if old_department is not None and old_department != obj.department_id:
        deltas[(m.PETITION_RECEIVED, created, str(old_department), "", "")] -= 1
        deltas[(m.PETITION_RECEIVED, created, str(obj.department_id), "", "")] += 1
    old_answered, answered_changed = _history(obj, "answered_at")
    if answered_changed and old_answered is None and obj.answered_at is not None:
        deltas.update(petition_answer_deltas(obj, obj.department_id))
    if not (_history(obj, "status")[1] or _history(obj, "due_at")[1] or old_department is not None):
        return
    if obj.status in OPEN_STATUSES:
        open_rows.append(("upsert", obj.id, obj.department_id, obj.due_at))
    else:
        open_rows.append(("delete", obj.id, None, None))


def _report(obj, new: bool, deltas: Counter) -> None:
    if new:
        deltas.update(report_count_deltas(obj, obj.status))
        return
    old_status, changed = _history(obj, "status")
    if changed and old_status is not None and old_status != obj.status:
        deltas.update(report_count_deltas(obj, old_status, -1))
        deltas.update(report_count_deltas(obj, obj.status))
    if obj.status == "closed" and obj.close_reason == "fixed" and (changed or _history(obj, "close_reason")[1]):
        deltas.update(report_fix_deltas(obj, obj.updated_at))


def _proposal(obj, deltas: Counter) -> None:
    old, changed = _history(obj, "responded_at")
    if changed and old is None and obj.responded_at is not None:
        day, dept = local_day(obj.responded_at), str(obj.department_id or "")
        deltas[(m.PROPOSAL_RESPONDED, day, dept, "", "")] += 1
        if obj.response_due_at is not None and obj.responded_at <= obj.response_due_at:
            deltas[(m.PROPOSAL_ON_TIME, day, dept, "", "")] += 1


def _collect(session: Session) -> tuple[Counter, list]:
    from civic.audit import AuditEntry
    from civic.participation.models import PollVote, Proposal
    from civic.petitions.models import Petition
    from civic.reports.models import Report

    deltas: Counter = Counter()
    open_rows: list = []
    for obj in session.new:
        if isinstance(obj, Petition):
            _petition(obj, True, deltas, open_rows)
        elif isinstance(obj, Report):
            _report(obj, True, deltas)
        elif isinstance(obj, PollVote):
            deltas[(m.POLL_VOTES, local_day(obj.created_at), str(obj.poll_id), "", "")] += 1
        elif isinstance(obj, AuditEntry) and obj.action == "proposal.threshold_reached":
            # The threshold is crossed by a guarded UPDATE (no ORM object); its audit entry is.
            deltas[(m.PROPOSAL_THRESHOLD, local_day(obj.created_at), str(obj.department_id or ""), "", "")] += 1
    for obj in session.dirty:
        if isinstance(obj, Petition):
            _petition(obj, False, deltas, open_rows)
        elif isinstance(obj, Report):
            _report(obj, False, deltas)
        elif isinstance(obj, Proposal):
            _proposal(obj, deltas)
    return deltas, open_rows


def apply_deltas(connection, deltas: Counter) -> None:
    """Add counter deltas to the day counters and to the window rollups they fall in
    (``windows.py``), in the caller's transaction."""
    from civic.stats import windows

    windows.shared_lock(connection)  # also covers the open-petitions mirror written after it
    rows = [{"metric": k[0], "day": k[1], "k1": k[2], "k2": k[3], "k3": k[4], "n": n}
            for k, n in sorted(deltas.items()) if n]
    if not rows:
        return
    table = m.StatCount.__table__
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=["metric", "day", "k1", "k2", "k3"],
                                      set_={"n": table.c.n + stmt.excluded.n})
    connection.execute(stmt, rows)
    windows.apply(connection, deltas)


def _apply_open(connection, open_rows: list) -> None:
    table = m.OpenPetition.__table__
    for action, petition_id, department_id, due_at in open_rows:
        if action == "delete":
            connection.execute(delete(table).where(table.c.petition_id == petition_id))
        elif action == "insert":
            connection.execute(table.insert().values(petition_id=petition_id, department_id=department_id,
                                                     due_at=due_at))
        else:
            moved = connection.execute(update(table).where(table.c.petition_id == petition_id)
                                       .values(department_id=department_id, due_at=due_at))
            if moved.rowcount == 0:
                connection.execute(table.insert().values(petition_id=petition_id, department_id=department_id,
                                                         due_at=due_at))


def _after_flush(session: Session, flush_context) -> None:
    if not session.info.get("stats_tracking", True):
        return
    deltas, open_rows = _collect(session)
    if deltas or open_rows:
        connection = session.connection()
        apply_deltas(connection, deltas)
        _apply_open(connection, open_rows)


def install(session_class) -> None:
    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "after_flush", _after_flush)
