"""Keep the statistics aggregates up to date from the domain events, in the same transaction.

Each feature states its facts (``civic.events``); the statistics subscribe here (in
``civic.stats.init_app``) and never import another feature's models. An event of a petition,
report or proposal carries the row's facts before and after the use case; the counters move by
``keys.*_counts(after) - keys.*_counts(before)``, so filing, answering, transfer, re-classification
and deletion are one rule, and the same rule as ``flask stats rebuild`` / ``check``.

The deltas of one unit of work are summed and written once, at the end of its events (an upsert
per counter, in key order, so concurrent transactions never deadlock), together with the mirror
of open petitions. A bulk statement that bypasses the events states ``CountsBypassed``; the
counters are then recounted after the commit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite

from civic import events
from civic.extensions import db
from civic.stats import keys
from civic.stats import models as m
from civic.stats.keys import local_day, working_days  # noqa: F401  (the figures and tests use them here)

PENDING = "civic_stats_pending"


@dataclass(frozen=True)
class _WriteCounters(events.Event):
    """Internal: write the deltas summed over this unit of work's events (emitted once)."""


@dataclass
class _Pending:
    deltas: Counter
    # petition id -> (department id, due at) to keep in the open mirror, or None to drop it
    open_rows: dict[int, tuple[int, datetime] | None]


def _pending() -> _Pending:
    """This transaction's deltas (a rolled-back transaction's are dropped with it)."""
    info, transaction = db.session.info, db.session().get_transaction()
    found = info.get(PENDING)
    if found is None or found[0] is not transaction:
        found = info[PENDING] = (transaction, _Pending(Counter(), {}))
        events.emit(_WriteCounters())
    return found[1]


def _add(delta: Counter) -> None:
    if delta:
        _pending().deltas.update(delta)


def _sides(event) -> tuple:
    """The facts before and after (a deletion has no after, a creation no before)."""
    return getattr(event, "before", None), getattr(event, "after", None)


def on_petition(event) -> None:
    before, after = _sides(event)
    if before is None and after is None:
        return
    _add(keys.difference(keys.petition_counts(before), keys.petition_counts(after)))
    was_open, is_open = bool(before and before.is_open), bool(after and after.is_open)
    if is_open:
        if not was_open or (before.department_id, before.due_at) != (after.department_id, after.due_at):
            _pending().open_rows[event.petition_id] = (after.department_id, after.due_at)
    elif was_open:
        _pending().open_rows[event.petition_id] = None


def on_report(event) -> None:
    before, after = _sides(event)
    _add(keys.difference(keys.report_counts(before), keys.report_counts(after)))


def on_proposal(event) -> None:
    before, after = _sides(event)
    _add(keys.difference(keys.proposal_counts(before), keys.proposal_counts(after)))


def on_vote(event: events.VoteCast) -> None:
    _add(keys.vote_counts(events.VoteFacts(event.poll_id, event.cast_at)))


def _write(event: _WriteCounters) -> None:
    found = db.session.info.pop(PENDING, None)
    if found is None:
        return
    pending = found[1]
    connection = db.session.connection()
    apply_deltas(connection, pending.deltas)
    _apply_open(connection, pending.open_rows)


def recount_after_bypass(event: events.CountsBypassed) -> None:
    """After-commit job: a bulk statement changed counted rows without events; recount them."""
    from civic.stats.rebuild import rebuild

    rebuild()


EventTypes = tuple[type[events.Event], ...]
PETITION_EVENTS: EventTypes = (
    events.PetitionReceived, events.PetitionAssigned, events.PetitionTransferred, events.PetitionExtended,
    events.PetitionStatusChanged, events.PetitionAnswered, events.PetitionDeleted)
REPORT_EVENTS: EventTypes = (
    events.ReportFiled, events.ReportStatusChanged, events.ReportReclassified, events.ReportDeleted)
PROPOSAL_EVENTS: EventTypes = (
    events.ProposalThresholdReached, events.ProposalResponded, events.ProposalStatusChanged)


def subscribe(app: Flask) -> None:
    for kinds, handler in ((PETITION_EVENTS, on_petition), (REPORT_EVENTS, on_report),
                           (PROPOSAL_EVENTS, on_proposal)):
        for kind in kinds:
            events.subscribe(app, kind, handler)
    events.subscribe(app, events.VoteCast, on_vote)
    events.subscribe(app, _WriteCounters, _write)
    events.subscribe(app, events.CountsBypassed, recount_after_bypass, after_commit=True)


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


def _apply_open(connection, open_rows: dict[int, tuple[int, datetime] | None]) -> None:
    table = m.OpenPetition.__table__
    for petition_id, row in sorted(open_rows.items()):
        if row is None:
            connection.execute(delete(table).where(table.c.petition_id == petition_id))
            continue
        department_id, due_at = row
        moved = connection.execute(update(table).where(table.c.petition_id == petition_id)
                                   .values(department_id=department_id, due_at=due_at))
        if moved.rowcount == 0:
            connection.execute(table.insert().values(petition_id=petition_id, department_id=department_id,
                                                     due_at=due_at))
