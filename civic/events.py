"""Domain events: the one path for every side effect.

A service states a fact (``emit(PetitionAnswered(...))``) inside its unit of work; it does not
know who reacts. Features subscribe handlers in their ``init_app``:

- ``subscribe(app, PetitionAnswered, handler)`` runs ``handler(event)`` **in the transaction**,
  just before ``unit_of_work`` commits (statistics counters, mirrors, derived columns). A failing
  handler rolls the whole use case back: the fact and its bookkeeping land together or not at all.
- ``subscribe(app, PetitionAnswered, handler, after_commit=True)`` runs it **after the commit**,
  as a job through ``civic.jobs`` (personal push, e-mail): on RQ with Redis, in-process otherwise.
  It sees only committed data, and its failure never undoes the fact.

"Who reacts when a petition is answered?" is a search for ``PetitionAnswered``.

Events are small frozen dataclasses of ids and values (never ORM objects), so they pickle into
an RQ job and mean the same thing in a worker as in the request that emitted them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from flask import Flask, current_app

log = logging.getLogger(__name__)

PENDING_KEY = "civic_pending_events"


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


# --- Facts: what an event changed, before and after ---------------------------------------------
#
# Events of petitions, reports and proposals carry the values the counters are made of, as they
# were before the use case (``before``, None for a new row) and after it (``after``, None for a
# deleted row). A consumer (the statistics) turns each side into counts with one function and
# applies the difference, so creation, change, re-classification and deletion are one rule; and a
# full recount (``snapshot``) applies the same function to every row's current facts.

@dataclass(frozen=True)
class PetitionFacts:
    department_id: int
    status: str
    is_open: bool  # waiting for an answer (received, assigned, in progress)
    received_at: datetime
    due_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True)
class ReportFacts:
    service_id: int
    district_code: str | None
    status: str
    created_at: datetime
    fixed_at: datetime | None = None  # when it was closed as fixed (the closing update), else None


@dataclass(frozen=True)
class ProposalFacts:
    department_id: int | None
    threshold_reached_at: datetime | None
    responded_at: datetime | None = None
    response_due_at: datetime | None = None


@dataclass(frozen=True)
class VoteFacts:
    poll_id: int
    cast_at: datetime


# --- Petitions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PetitionReceived(Event):
    petition_id: int
    department_id: int
    received_at: datetime
    due_at: datetime
    before: PetitionFacts | None = field(default=None, kw_only=True)
    after: PetitionFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class PetitionAssigned(Event):
    petition_id: int
    assignee_id: int | None
    actor_id: int | None = None
    before: PetitionFacts | None = field(default=None, kw_only=True)
    after: PetitionFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class PetitionTransferred(Event):
    petition_id: int
    from_department_id: int
    to_department_id: int
    reason: str = ""
    actor_id: int | None = None
    before: PetitionFacts | None = field(default=None, kw_only=True)
    after: PetitionFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class PetitionExtended(Event):
    petition_id: int
    old_due_at: datetime
    new_due_at: datetime
    reason: str = ""
    before: PetitionFacts | None = field(default=None, kw_only=True)
    after: PetitionFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class PetitionStatusChanged(Event):
    """Any other change of status (in review, withdrawn, reopened)."""

    petition_id: int
    old_status: str
    new_status: str
    before: PetitionFacts | None = field(default=None, kw_only=True)
    after: PetitionFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class PetitionAnswered(Event):
    petition_id: int
    department_id: int
    answered_at: datetime
    actor_id: int | None = None
    before: PetitionFacts | None = field(default=None, kw_only=True)
    after: PetitionFacts | None = field(default=None, kw_only=True)


# --- Reports -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportFiled(Event):
    report_id: int
    before: ReportFacts | None = field(default=None, kw_only=True)
    after: ReportFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ReportStatusChanged(Event):
    report_id: int
    old_status: str
    new_status: str
    close_reason: str | None = None
    changed_at: datetime | None = None
    before: ReportFacts | None = field(default=None, kw_only=True)
    after: ReportFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ReportReclassified(Event):
    """Service or district of a report changed (its counters move with it)."""

    report_id: int
    old_service_id: int | None
    old_district_code: str | None
    before: ReportFacts | None = field(default=None, kw_only=True)
    after: ReportFacts | None = field(default=None, kw_only=True)


# --- Participation -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ProposalThresholdReached(Event):
    proposal_id: int
    reached_at: datetime
    department_id: int | None = None
    before: ProposalFacts | None = field(default=None, kw_only=True)
    after: ProposalFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ProposalResponded(Event):
    proposal_id: int
    responded_at: datetime
    department_id: int | None = None
    before: ProposalFacts | None = field(default=None, kw_only=True)
    after: ProposalFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ProposalStatusChanged(Event):
    proposal_id: int
    old_status: str
    new_status: str
    before: ProposalFacts | None = field(default=None, kw_only=True)
    after: ProposalFacts | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class VoteCast(Event):
    poll_id: int
    vote_id: int
    cast_at: datetime


# --- Places, accounts, notifications ------------------------------------------------------------

@dataclass(frozen=True)
class PlaceChanged(Event):
    place_id: int


@dataclass(frozen=True)
class NotificationCreated(Event):
    """An in-app notice was written; delivery channels (push, e-mail) react after commit."""

    notification_id: int
    user_id: int


@dataclass(frozen=True)
class AccountCreated(Event):
    user_id: int
    source: str = "local"  # local | oidc | cli


@dataclass(frozen=True)
class PetitionDeleted(Event):
    petition_id: int
    before: PetitionFacts


@dataclass(frozen=True)
class ReportDeleted(Event):
    report_id: int
    before: ReportFacts


@dataclass(frozen=True)
class CountsBypassed(Event):
    """A bulk statement changed tracked rows without an event per row (``what`` names it): the
    consumers that count those rows recount them from the tables after the commit."""

    what: str


@dataclass(frozen=True)
class EmailConfirmationRequested(Event):
    """An account's address needs confirming (sign-up, or the owner asked for a new link)."""

    user_id: int
    request_id: str


@dataclass(frozen=True)
class SignUpAttemptedForExistingAccount(Event):
    """Someone signed up with an address that already has an account (its owner is warned)."""

    user_id: int
    request_id: str


@dataclass(frozen=True)
class PasswordResetRequested(Event):
    user_id: int
    request_id: str


@dataclass(frozen=True)
class PasswordReset(Event):
    """The password was set through a reset link; every session and token has ended."""

    user_id: int
    request_id: str


@dataclass(frozen=True)
class EmailChangeRequested(Event):
    """A new address waits for confirmation (the link goes to the new address)."""

    user_id: int
    new_email: str
    request_id: str


@dataclass(frozen=True)
class EmailChanged(Event):
    """The new address was confirmed and replaced the old one (the old one is told)."""

    user_id: int
    old_email: str
    new_email: str


# --- Subscription and dispatch -----------------------------------------------------------------

@dataclass
class EventBus:
    """Handlers of one app, by event type and phase. Lives in ``app.extensions["civic_events"]``."""

    in_transaction: dict[type, list[Handler]] = field(default_factory=dict)
    after_commit: dict[type, list[tuple[Handler, str]]] = field(default_factory=dict)
    snapshots: dict[type, Callable[[], Iterable[tuple[int, Any]]]] = field(default_factory=dict)

    def handlers_for(self, event: Event) -> tuple[list[Handler], list[tuple[Handler, str]]]:
        now: list[Handler] = []
        later: list[tuple[Handler, str]] = []
        for kind in type(event).__mro__:
            now.extend(self.in_transaction.get(kind, ()))
            later.extend(self.after_commit.get(kind, ()))
        return now, later


def init_app(app: Flask) -> None:
    app.extensions.setdefault("civic_events", EventBus())


def bus(app: Flask | None = None) -> EventBus:
    target = app or current_app
    found = target.extensions.get("civic_events")
    if found is None:
        found = target.extensions["civic_events"] = EventBus()
    return found


def subscribe(app: Flask, event_type: type[E], handler: Callable[[E], None], *, after_commit: bool = False,
              queue: str = "default") -> None:
    """Call ``handler(event)`` for every ``event_type`` (and subclass) emitted in ``app``.

    After-commit handlers run as jobs, so they must be module-level functions (the job names
    them by dotted path); subscribing the same handler twice is a no-op.
    """
    registry = bus(app)
    if after_commit:
        qualname = getattr(handler, "__qualname__", "")
        if "<locals>" in qualname or "<lambda>" in qualname:
            raise ValueError(f"after-commit handler {qualname} must be a module-level function")
        entries = registry.after_commit.setdefault(event_type, [])
        if (handler, queue) not in entries:
            entries.append((handler, queue))
    else:
        handlers = registry.in_transaction.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)


def provide_snapshot(app: Flask, facts_type: type, source: Callable[[], Iterable[tuple[int, Any]]]) -> None:
    """The feature owning rows of ``facts_type`` (``PetitionFacts``, ...) says how to read every
    row's current facts, as ``(id, facts)`` pairs, so that a consumer can recount from scratch
    (``flask stats rebuild`` / ``check``) with the same rule it applies to events."""
    bus(app).snapshots[facts_type] = source


def snapshot(facts_type: type) -> Iterable[tuple[int, Any]]:
    """Every current ``(id, facts)`` of ``facts_type``; nothing when its feature is not installed."""
    source = bus().snapshots.get(facts_type)
    return source() if source is not None else ()


def emit(event: Event) -> None:
    """Record ``event`` in the current unit of work; handlers run when it commits."""
    from civic.extensions import db

    db.session.info.setdefault(PENDING_KEY, []).append(event)


def pending(session) -> list[Event]:
    return list(session.info.get(PENDING_KEY, ()))


def run_in_transaction(session) -> list[Event]:
    """Run the in-transaction handlers of every pending event (handlers may emit more), and
    return every event seen, for the after-commit phase. Called by ``unit_of_work``."""
    registry = bus()
    seen: list[Event] = []
    queue: list[Event] = session.info.get(PENDING_KEY, [])
    rounds = 0
    while queue:
        rounds += 1
        if rounds > 20:
            raise RuntimeError("domain events keep emitting each other (more than 20 rounds)")
        session.info[PENDING_KEY] = []
        for event in queue:
            seen.append(event)
            for handler in registry.handlers_for(event)[0]:
                handler(event)
        queue = session.info.get(PENDING_KEY, [])
    session.info.pop(PENDING_KEY, None)
    return seen


def run_after_commit(events: list[Event]) -> None:
    """Hand each event to its after-commit handlers as jobs. The facts are committed already: a
    failing handler is logged, never raised into the request that stated them."""
    if not events:
        return
    from civic import jobs

    registry = bus()
    for event in events:
        for handler, queue in registry.handlers_for(event)[1]:
            try:
                jobs.enqueue(handler, event, queue=queue, retries=2)
            except Exception:  # noqa: BLE001 - the fact stands; the effect is logged for a retry by hand
                log.exception("after-commit handler %s failed for %s", getattr(handler, "__qualname__", handler),
                              type(event).__name__)


def discard(session) -> None:
    session.info.pop(PENDING_KEY, None)
