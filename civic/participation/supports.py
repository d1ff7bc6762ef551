"""Supports, the threshold that sends a proposal to its department, and expiry at the end of
the support period."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from civic import audit, events
from civic.accounts.models import Department, User
from civic.db import rowcount, unit_of_work, utcnow
from civic.errors import N_, Conflict, Forbidden
from civic.events import ProposalFacts
from civic.extensions import db
from civic.notifications.service import in_locale_of, notify
from civic.participation.models import EXPIRED, OPEN_STATUSES, PUBLISHED, UNDER_REVIEW, Proposal, ProposalSupport
from civic.participation.proposals import _proposal_url, _require_user, get_proposal, threshold


def _check_may_support(user, proposal: Proposal) -> None:
    if proposal.author_id == user.id:
        raise Conflict(N_("You cannot support your own proposal."))
    if proposal.status not in OPEN_STATUSES:
        raise Conflict(N_("This proposal is not open for support."))
    wait_hours = current_app.config["PARTICIPATION_MIN_ACCOUNT_AGE_HOURS"]
    if wait_hours and user.created_at > utcnow() - timedelta(hours=wait_hours):
        raise Forbidden(N_("New accounts can support proposals %(n)d hours after sign-up.", n=wait_hours))


def support(user, proposal_id: int) -> Proposal:
    """Add ``user``'s support. The unique (proposal, user) constraint counts each account once;
    the counter moves by an atomic UPDATE, and the move to ``under_review`` is a conditional
    UPDATE, so concurrent supports cross the threshold exactly once."""
    proposal = get_proposal(_require_user(user), proposal_id)
    _check_may_support(user, proposal)
    try:
        with unit_of_work():
            db.session.add(ProposalSupport(proposal_id=proposal.id, user_id=user.id))
            db.session.flush()
            # Conditional on the status, re-read under the row lock: a proposal hidden or
            # answered meanwhile takes no more supports.
            counted = db.session.execute(
                update(Proposal).where(Proposal.id == proposal.id, Proposal.status.in_(OPEN_STATUSES))
                .values(supports_count=Proposal.supports_count + 1).execution_options(synchronize_session=False))
            if rowcount(counted) != 1:
                raise Conflict(N_("This proposal is not open for support."))
            count, status = db.session.execute(
                select(Proposal.supports_count, Proposal.status).where(Proposal.id == proposal.id)).one()
            if status == PUBLISHED and count >= threshold():
                _reach_threshold(proposal)
    except IntegrityError:
        raise Conflict(N_("You already support this proposal.")) from None
    db.session.refresh(proposal)
    return proposal


def _reach_threshold(proposal: Proposal) -> None:
    now = utcnow()
    moved = db.session.execute(
        update(Proposal).where(Proposal.id == proposal.id, Proposal.status == PUBLISHED)
        .values(status=UNDER_REVIEW, threshold_reached_at=now).execution_options(synchronize_session=False))
    if rowcount(moved) != 1:
        return  # another transaction crossed it first
    department = _route(proposal)
    department_id = department.id if department else None
    response_due_at = now + timedelta(days=current_app.config["PROPOSAL_RESPONSE_DAYS"])
    db.session.execute(
        update(Proposal).where(Proposal.id == proposal.id)
        .values(department_id=department_id, response_due_at=response_due_at)
        .execution_options(synchronize_session=False))
    # The guarded UPDATEs above leave no ORM change behind: the event states the fact.
    events.emit(events.ProposalThresholdReached(
        proposal.id, now, department_id, before=ProposalFacts(proposal.department_id, None),
        after=ProposalFacts(department_id, now, None, response_due_at)))
    audit.record(None, "proposal.threshold_reached", "proposal", proposal.id,
                 department_id=department.id if department else None, threshold=threshold())
    with in_locale_of(proposal.author):
        notify(proposal.author, "proposal.under_review", _("Your proposal reached the threshold"),
               _("“%(title)s” has %(n)d supports and goes to the department for an official response.",
                 title=proposal.title, n=threshold()), _proposal_url(proposal))
    if department is not None:
        staff = db.session.scalars(select(User).where(User.department_id == department.id,
                                                      User.is_active.is_(True)))
        for member in staff:
            if member.has_role("staff"):
                with in_locale_of(member):
                    notify(member, "proposal.to_answer", _("A proposal needs an official response"),
                           proposal.title, _proposal_url(proposal))


def _route(proposal: Proposal) -> Department | None:
    """The department answering a proposal, by category (configuration), else the default one."""
    config = current_app.config
    codes = [config["PROPOSAL_CATEGORY_DEPARTMENTS"].get(proposal.category), config["PROPOSAL_DEFAULT_DEPARTMENT"]]
    for code in codes:
        if code:
            department = db.session.scalar(select(Department).where(Department.code == code))
            if department is not None:
                return department
    return None


def withdraw_support(user, proposal_id: int) -> Proposal:
    """Take back a support while the proposal is open. Crossing the threshold is not undone."""
    proposal = get_proposal(_require_user(user), proposal_id)
    if proposal.status not in OPEN_STATUSES:
        raise Conflict(N_("This proposal is no longer open; supports cannot be withdrawn."))
    with unit_of_work():
        removed = db.session.execute(delete(ProposalSupport).where(
            ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == user.id))
        if rowcount(removed) != 1:
            raise Conflict(N_("You do not support this proposal."))
        counted = db.session.execute(
            update(Proposal).where(Proposal.id == proposal.id, Proposal.status.in_(OPEN_STATUSES))
            .values(supports_count=Proposal.supports_count - 1).execution_options(synchronize_session=False))
        if rowcount(counted) != 1:
            raise Conflict(N_("This proposal is no longer open; supports cannot be withdrawn."))
    db.session.refresh(proposal)
    return proposal


def count_supports(proposal: Proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(ProposalSupport)
                             .where(ProposalSupport.proposal_id == proposal.id)) or 0


def expire_proposals(now=None) -> int:
    """Close published proposals whose support period ended below the threshold; returns how many.
    Safe to run from cron or a worker at any time (a conditional UPDATE per proposal)."""
    now = now or utcnow()
    due = list(db.session.scalars(select(Proposal).where(Proposal.status == PUBLISHED,
                                                         Proposal.expires_at <= now)))
    expired = 0
    for proposal in due:
        with unit_of_work():
            moved = db.session.execute(
                update(Proposal).where(Proposal.id == proposal.id, Proposal.status == PUBLISHED)
                .values(status=EXPIRED).execution_options(synchronize_session=False))
            if rowcount(moved) == 1:
                expired += 1
                events.emit(events.ProposalStatusChanged(proposal.id, PUBLISHED, EXPIRED))
                audit.record(None, "proposal.expire", "proposal", proposal.id, supports=proposal.supports_count)
                with in_locale_of(proposal.author):
                    notify(proposal.author, "proposal.expired", _("Your proposal has expired"),
                           _("“%(title)s” did not reach %(n)d supports in time.", title=proposal.title,
                             n=threshold()), _proposal_url(proposal))
        db.session.refresh(proposal)
    return expired
