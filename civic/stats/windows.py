"""Day counters rolled up per published window (30, 90 and 365 days).

For each window ``W`` the table ``stat_windows`` holds, per (metric, keys), the sum of the day
counters from ``stat_window_starts.start`` on. Three rules keep that true:

- ``apply(connection, deltas)``, called by ``tracking.apply_deltas`` with every batch of counter
  deltas, adds each delta to the windows whose start is on or before its day: the rows stay in
  step with the day counters in the same transaction, whoever applies deltas.
- ``move(connection, today)`` slides a window to start at ``today - W + 1``: it subtracts the day
  counters that left it (a few hundred rows per day), or builds it from the day counters in one
  ``INSERT … SELECT … GROUP BY`` when it is missing or far behind. The first dashboard computed
  on a new day does it (``catch_up``), and ``flask stats rebuild``.
- ``sums(metrics, days, until)`` reads a window ending on any day in one statement: the window
  rows, plus the day counters between the wanted start and the stored one, minus those outside
  the wanted range. When the window starts where the page needs it (the usual case), that is a
  few thousand rows whatever the volume, instead of a year of day counters.

On PostgreSQL every delta batch holds a shared advisory lock until its transaction ends, and
sliding the windows or recounting everything takes it exclusively, so neither misses or double
counts the deltas of a transaction in flight. SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import delete, func, literal, select, text, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from civic.stats import models as m

log = logging.getLogger(__name__)

WINDOWS = (30, 90, 365)
LOCK_KEY = 7_316_201_403  # "stats" in the advisory-lock space of the application's database
KEY_COLUMNS = ("metric", "k1", "k2", "k3")
NEVER = date(9999, 12, 31)  # the start of a window that is not stored: it sums no day


def _pg(connection) -> bool:
    return connection.dialect.name == "postgresql"


def shared_lock(connection) -> None:
    """Held by every transaction that applies counter deltas (PostgreSQL; until it ends)."""
    if _pg(connection):
        connection.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": LOCK_KEY})


def exclusive_lock(connection, wait: bool = True) -> bool:
    """Taken to recount or slide the windows: waits for the transactions applying deltas to end
    and holds new ones back until this transaction ends. ``wait=False``: give up when busy."""
    if not _pg(connection):
        return True
    if wait:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        return True
    return bool(connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}).scalar())


def _insert(connection):
    dialect = postgresql if _pg(connection) else sqlite
    return dialect.insert(m.StatWindow.__table__)


def _add_on_conflict(stmt):
    table = m.StatWindow.__table__
    return stmt.on_conflict_do_update(index_elements=["days", *KEY_COLUMNS],
                                      set_={"n": table.c.n + stmt.excluded.n})


def starts(connection) -> dict[int, date]:
    return {days: start for days, start in connection.execute(
        select(m.StatWindowStart.days, m.StatWindowStart.start))}


def apply(connection, deltas: Counter) -> None:
    """Add day-counter deltas (keys ``(metric, day, k1, k2, k3)``) to the windows they fall in."""
    current = starts(connection)
    if not current:
        return
    sums: Counter = Counter()
    for (metric, day, k1, k2, k3), n in deltas.items():
        for days, start in current.items():
            if n and day >= start:
                sums[(days, metric, k1, k2, k3)] += n
    rows = [{"days": k[0], "metric": k[1], "k1": k[2], "k2": k[3], "k3": k[4], "n": n}
            for k, n in sorted(sums.items()) if n]
    if rows:
        connection.execute(_add_on_conflict(_insert(connection)), rows)


def _day_sums(since: date, until: date | None, sign: int):
    c = m.StatCount
    query = select(c.metric, c.k1, c.k2, c.k3, (func.sum(c.n) * sign).label("n")).where(c.day >= since)
    if until is not None:
        query = query.where(c.day < until)
    return query.group_by(c.metric, c.k1, c.k2, c.k3)


def _build(connection, days: int, start: date) -> None:
    connection.execute(delete(m.StatWindow).where(m.StatWindow.days == days))
    sums = _day_sums(start, None, 1).subquery()
    connection.execute(m.StatWindow.__table__.insert().from_select(
        ["days", *KEY_COLUMNS, "n"],
        select(literal(days), sums.c.metric, sums.c.k1, sums.c.k2, sums.c.k3, sums.c.n).where(sums.c.n != 0)))


def _shift(connection, days: int, old: date, new: date) -> None:
    low, high, sign = (old, new, -1) if new > old else (new, old, 1)
    sums = _day_sums(low, high, sign).subquery()
    stmt = _insert(connection).from_select(
        ["days", *KEY_COLUMNS, "n"],
        select(literal(days), sums.c.metric, sums.c.k1, sums.c.k2, sums.c.k3, sums.c.n).where(sums.c.n != 0))
    connection.execute(_add_on_conflict(stmt))
    connection.execute(delete(m.StatWindow).where(m.StatWindow.days == days, m.StatWindow.n == 0))


def target_start(days: int, today: date) -> date:
    return today - timedelta(days=days - 1)


def move(connection, today: date, rebuild: bool = False) -> None:
    """Make every window start at ``today - W + 1`` (call it holding ``exclusive_lock``)."""
    current = {} if rebuild else starts(connection)
    table = m.StatWindowStart.__table__
    for days in WINDOWS:
        start = target_start(days, today)
        old = current.get(days)
        if old == start:
            continue
        if old is None or abs((start - old).days) > days // 3:
            _build(connection, days, start)
        else:
            _shift(connection, days, old, start)
        connection.execute(delete(table).where(table.c.days == days))
        connection.execute(table.insert().values(days=days, start=start))


def catch_up(today: date) -> None:
    """Slide the windows to ``today`` if a day has passed (best effort: a busy lock or database
    leaves it to the next dashboard; ``sums`` is right either way, only slower)."""
    from civic.db import unit_of_work
    from civic.extensions import db

    connection = db.session.connection()
    current = starts(connection)
    if all(current.get(days) == target_start(days, today) for days in WINDOWS):
        return
    try:
        with unit_of_work():
            connection = db.session.connection()
            if exclusive_lock(connection, wait=False):
                move(connection, today)
    except OperationalError:
        log.warning("statistics windows not moved to %s (database busy); the next dashboard retries", today)


def _least(a, b):
    return func.least(a, b) if _dialect() == "postgresql" else func.min(a, b)


def _greatest(a, b):
    return func.greatest(a, b) if _dialect() == "postgresql" else func.max(a, b)


def _dialect() -> str:
    from civic.extensions import db

    return db.session.get_bind().dialect.name


def sums(metrics: tuple[str, ...], days: int, until: date, k1: str | None = None, rollups: bool = True):
    """(metric, k1, k2, total) over the local days ``until - days + 1`` … ``until``, from the
    window rows corrected by the day counters where the stored window differs (one statement,
    one snapshot). ``rollups=False`` reads only the day counters (the benchmark's baseline)."""
    w, c = m.StatWindow, m.StatCount
    since = target_start(days, until)
    stored = select(m.StatWindowStart.start).where(m.StatWindowStart.days == days).scalar_subquery()
    # Without a stored window (before the first rebuild), every day counter of the range is read.
    start = func.coalesce(stored, NEVER) if rollups else literal(NEVER)
    same_key = [w.k1 == k1] if k1 is not None else []
    day_key = [c.k1 == k1] if k1 is not None else []
    # One lower and one upper bound per branch, so both databases read only that range of the
    # (metric, day) index (SQLite picks a single bound when given two).
    after = until + timedelta(days=1)
    parts = union_all(
        select(w.metric, w.k1, w.k2, w.n).where(w.days == (days if rollups else -1), w.metric.in_(metrics),
                                                 *same_key),
        select(c.metric, c.k1, c.k2, c.n).where(c.metric.in_(metrics), c.day >= since,
                                                 c.day < _least(start, after), *day_key),
        select(c.metric, c.k1, c.k2, (-c.n).label("n")).where(
            c.metric.in_(metrics), c.day >= start, c.day < since, *day_key),
        select(c.metric, c.k1, c.k2, (-c.n).label("n")).where(
            c.metric.in_(metrics), c.day >= _greatest(start, after), *day_key),
    ).subquery()
    from civic.extensions import db

    return list(db.session.execute(
        select(parts.c.metric, parts.c.k1, parts.c.k2, func.sum(parts.c.n))
        .group_by(parts.c.metric, parts.c.k1, parts.c.k2)).all())


def check(connection) -> list[tuple]:
    """Window rows that differ from the day counters they sum: [(days, metric, k1, k2, k3, stored,
    expected)], empty when they agree."""
    differences = []
    for days, start in sorted(starts(connection).items()):
        expected = {tuple(r[:4]): r[4] for r in connection.execute(_day_sums(start, None, 1)) if r[4]}
        stored = {(r.metric, r.k1, r.k2, r.k3): r.n for r in connection.execute(
            select(m.StatWindow).where(m.StatWindow.days == days)) if r.n}
        for key in sorted(set(expected) | set(stored)):
            if expected.get(key, 0) != stored.get(key, 0):
                differences.append((days, *key, stored.get(key, 0), expected.get(key, 0)))
    return differences
