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

from dataclasses import dataclass, field
from datetime import datetime

from civic.event_bus import (  # noqa: F401  (the one import for features: civic.events)
    PENDING_KEY,
    Event,
    EventBus,
    bus,
    discard,
    emit,
    init_app,
    pending,
    provide_snapshot,
    run_after_commit,
    run_in_transaction,
    snapshot,
    subscribe,
)

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


