"""Recompute every statistics aggregate from the tables (``flask stats rebuild``).

The aggregates are kept up to date by ``tracking.py`` as events happen; this is for data that
arrived around them (bulk imports, the benchmark) and for a first install. The counting is done
by the database, set-based: every timestamp gets its local day (PostgreSQL's time-zone
conversion; on SQLite the zone's offset, or a lookup in a calendar of the city's days), and a
calendar with a running count of working days from ``civic.timezone`` turns every answer into
working days, then one ``INSERT … SELECT … GROUP BY`` per metric writes the
counters. The definitions are those of ``tracking.py`` (``local_day``, ``petition_answer_deltas``,
``report_count_deltas``, ``report_fix_deltas``); a test holds the two to the same figures.

On PostgreSQL the recount takes the statistics lock exclusively (``windows.exclusive_lock``):
transactions that apply counter deltas finish first or wait for it, so it can run while the site
is live and nothing is counted twice or missed. It runs in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    case,
    cast,
    delete,
    func,
    literal,
    select,
    union_all,
)

from civic.db import UTCDateTime, unit_of_work, utcnow
from civic.extensions import db
from civic.stats import models as m
from civic.stats import windows

_temp = MetaData()
CALENDAR = Table("stat_rebuild_calendar", _temp,
                 Column("day", Date, primary_key=True), Column("utc_start", UTCDateTime, nullable=False),
                 Column("wd", Integer, nullable=False), Index("ix_stat_rebuild_calendar_start", "utc_start"),
                 prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
PETITIONS = Table("stat_rebuild_petitions", _temp,
                  Column("department_id", Integer), Column("received_day", Date), Column("answered_day", Date),
                  Column("on_time", Integer), prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
REPORTS = Table("stat_rebuild_reports", _temp,
                Column("service_id", Integer), Column("district_code", String(10)), Column("status", String(20)),
                Column("day", Date), Column("fixed_day", Date), Column("fix_days", Integer),
                prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
TEMP_TABLES = (CALENDAR, PETITIONS, REPORTS)


def _key(value):
    return func.coalesce(cast(value, String), "")


def local_day_of(moment):
    """SQL for ``tracking.local_day`` on any database: the calendar day whose local midnight last
    passed (one index lookup per timestamp)."""
    c = CALENDAR.alias("c")
    return (select(c.c.day).where(c.c.utc_start <= moment).order_by(c.c.utc_start.desc()).limit(1)
            .scalar_subquery())


def _bounds(connection, extra=()) -> tuple[datetime, datetime]:
    from civic.participation.models import PollVote, Proposal
    from civic.petitions.models import Petition
    from civic.reports.models import Report, ReportUpdate

    columns = (Petition.created_at, Petition.answered_at, Report.created_at, Report.updated_at,
               ReportUpdate.created_at, Proposal.threshold_reached_at, Proposal.responded_at, PollVote.created_at)
    moments = [utcnow(), *extra]
    for column in columns:
        low, high = connection.execute(select(func.min(column), func.max(column))).one()
        moments += [v if v.tzinfo else v.replace(tzinfo=UTC) for v in (low, high) if v is not None]
    return min(moments), max(moments)


def _calendar(connection, extra=()) -> Callable:
    """One row per local day from before the first event to after the last: when it starts in
    UTC, and how many working days have passed since the first (``tracking.working_days`` is the
    difference of two of these). Returns the SQL for a timestamp's local day: PostgreSQL's own
    time-zone conversion (the same IANA rules as ``zoneinfo``); on SQLite a fixed offset when the
    zone had one over the whole range (Seoul), else the calendar lookup."""
    from civic.timezone import is_working_day, local_zone

    low, high = _bounds(connection, extra)
    zone = local_zone()
    day = low.astimezone(zone).date() - timedelta(days=2)
    last = high.astimezone(zone).date() + timedelta(days=2)
    rows, worked, offsets = [], 0, set()
    while day <= last:
        worked += is_working_day(day)
        start = datetime.combine(day, time(), zone)
        offsets.add(start.utcoffset() or timedelta())
        rows.append({"day": day, "utc_start": start.astimezone(UTC), "wd": worked})
        day += timedelta(days=1)
    connection.execute(CALENDAR.insert(), rows)
    if windows._pg(connection):
        name = zone.key
        return lambda moment: cast(func.timezone(name, moment), Date)
    if len(offsets) == 1:
        seconds = int(offsets.pop().total_seconds())
        return lambda moment: func.date(moment, f"{seconds:+d} seconds")
    return local_day_of


def _stage(connection, local_day_of: Callable) -> None:
    """Each petition and report with its local days, computed once."""
    from civic.petitions.models import Petition
    from civic.reports.models import Report, ReportUpdate

    p = Petition.__table__
    connection.execute(PETITIONS.insert().from_select(
        ["department_id", "received_day", "answered_day", "on_time"],
        select(p.c.department_id, local_day_of(p.c.created_at), local_day_of(p.c.answered_at),
               case((p.c.answered_at <= p.c.due_at, 1), else_=0))))
    r, u = Report.__table__, ReportUpdate.__table__
    closed = (select(u.c.report_id, func.max(u.c.created_at).label("fixed_at")).where(u.c.new_status == "closed")
              .group_by(u.c.report_id).subquery())
    fixed = (r.c.status == "closed") & (r.c.close_reason == "fixed")
    fixed_at = func.coalesce(closed.c.fixed_at, r.c.updated_at)
    connection.execute(REPORTS.insert().from_select(
        ["service_id", "district_code", "status", "day", "fixed_day", "fix_days"],
        select(r.c.service_id, func.coalesce(r.c.district_code, ""), r.c.status, local_day_of(r.c.created_at),
               case((fixed, local_day_of(fixed_at))), case((fixed, _whole_days(connection, r.c.created_at, fixed_at))))
        .select_from(r.outerjoin(closed, closed.c.report_id == r.c.id))))


def _whole_days(connection, start, end):
    """``max(0, (end - start).days)`` (``tracking.report_fix_deltas``)."""
    if windows._pg(connection):
        seconds = func.extract("epoch", end - start)
        return func.greatest(0, cast(func.floor(seconds / 86400), Integer))
    milliseconds = cast(func.round((func.julianday(end) - func.julianday(start)) * 86_400_000), Integer)
    return func.max(0, milliseconds // 86_400_000)


def _count(metric: str, source, where=None):
    """(metric, day, k1, k2, "", count) grouped over ``source``, a SELECT of day, k1 and k2 (keys as text)."""
    if where is not None:
        source = source.where(where)
    s = source.subquery()
    return (select(literal(metric), s.c.day, s.c.k1, s.c.k2, literal(""), func.count())
            .where(s.c.day.is_not(None)).group_by(s.c.day, s.c.k1, s.c.k2))


def _selects(local_day_of: Callable = local_day_of) -> list:
    """One SELECT per metric, each row (metric, day, k1, k2, k3, n): the counters the tables imply."""
    from civic.participation.models import PollVote, Proposal

    t, r = PETITIONS.c, REPORTS.c
    received = CALENDAR.alias("received")
    answered = CALENDAR.alias("answered")
    working = case((answered.c.wd > received.c.wd, answered.c.wd - received.c.wd), else_=0)
    proposal, vote = Proposal.__table__.c, PollVote.__table__.c
    threshold = select(local_day_of(proposal.threshold_reached_at).label("day"),
                       _key(proposal.department_id).label("k1"), literal("").label("k2"))
    responded = select(local_day_of(proposal.responded_at).label("day"), _key(proposal.department_id).label("k1"),
                       literal("").label("k2")).where(proposal.threshold_reached_at.is_not(None))
    dept = _key(t.department_id).label("k1")
    blank = literal("").label("k2")
    return [
        _count(m.PETITION_RECEIVED, select(t.received_day.label("day"), dept, blank)),
        _count(m.PETITION_ANSWERED, select(t.answered_day.label("day"), dept, blank)),
        _count(m.PETITION_ON_TIME, select(t.answered_day.label("day"), dept, blank), where=t.on_time == 1),
        _count(m.PETITION_ANSWER_DAYS,
               select(t.answered_day.label("day"), dept, _key(working).label("k2"))
               .select_from(PETITIONS.join(answered, answered.c.day == t.answered_day)
                            .join(received, received.c.day == t.received_day))),
        _count(m.REPORT_SERVICE, select(r.day, _key(r.service_id).label("k1"), r.status.label("k2"))),
        _count(m.REPORT_DISTRICT, select(r.day, r.district_code.label("k1"), r.status.label("k2"))),
        _count(m.REPORT_FIX_DAYS, select(r.fixed_day.label("day"), _key(r.service_id).label("k1"),
                                         _key(r.fix_days).label("k2"))),
        _count(m.PROPOSAL_THRESHOLD, threshold),
        _count(m.PROPOSAL_RESPONDED, responded),
        _count(m.PROPOSAL_ON_TIME, responded, where=proposal.response_due_at.is_not(None)
               & (proposal.responded_at <= proposal.response_due_at)),
        _count(m.POLL_VOTES, select(local_day_of(vote.created_at).label("day"), _key(vote.poll_id).label("k1"),
                                    literal("").label("k2"))),
    ]


def _prepare(connection, extra=()) -> Callable:
    """The temporary calendar and staged rows (the calendar also covers the ``extra`` moments);
    returns the SQL for a timestamp's local day."""
    for table in TEMP_TABLES:
        table.drop(connection, checkfirst=True)
        table.create(connection)
    day_of = _calendar(connection, extra)
    _stage(connection, day_of)
    return day_of


def _drop(connection) -> None:
    for table in reversed(TEMP_TABLES):
        table.drop(connection, checkfirst=True)


def expected_counts(connection=None) -> Counter:
    """The counters the tables imply, {(metric, day, k1, k2, k3): n}, without writing anything
    (in its own transaction, rolled back)."""
    connection = connection or db.session.connection()
    with connection.begin_nested():
        day_of = _prepare(connection)
        counts: Counter = Counter()
        for row in connection.execute(union_all(*_selects(day_of))):
            counts[(row[0], _as_date(row[1]), row[2], row[3], row[4])] += row[5]
        _drop(connection)
    return counts


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def rebuild() -> dict[str, int]:
    """Replace the aggregates with a fresh count; returns rows written per table."""
    from civic.petitions.models import OPEN_STATUSES, Petition
    from civic.stats.tracking import local_day

    with unit_of_work():
        connection = db.session.connection()
        windows.exclusive_lock(connection)
        connection.execute(delete(m.StatCount))
        connection.execute(delete(m.OpenPetition))
        day_of = _prepare(connection)
        columns = ["metric", "day", "k1", "k2", "k3", "n"]
        for query in _selects(day_of):
            connection.execute(m.StatCount.__table__.insert().from_select(columns, query))
        _drop(connection)
        p = Petition.__table__
        connection.execute(m.OpenPetition.__table__.insert().from_select(
            ["petition_id", "department_id", "due_at"],
            select(p.c.id, p.c.department_id, p.c.due_at).where(p.c.status.in_(OPEN_STATUSES))))
        windows.move(connection, local_day(utcnow()), rebuild=True)
        counts = {"stat_counts": connection.execute(select(func.count()).select_from(m.StatCount)).scalar_one(),
                  "stat_open_petitions": connection.execute(
                      select(func.count()).select_from(m.OpenPetition)).scalar_one(),
                  "stat_windows": connection.execute(select(func.count()).select_from(m.StatWindow)).scalar_one()}
    return counts
