"""Official responses: the department answers a proposal that reached the threshold."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from civic import audit, events
from civic.accounts.models import User
from civic.accounts.service import require_role
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Conflict, Forbidden, ValidationFailed
from civic.extensions import db
from civic.notifications.service import in_locale_of, notify
from civic.participation.facts import facts
from civic.participation.models import ANSWERED, OUTCOMES, UNDER_REVIEW, Proposal, ProposalSupport
from civic.participation.proposals import _proposal_url, get_proposal, may_respond

REVIEW_SORTS = ("due", "-due", "received", "-received", "district", "-district", "assignee", "-assignee")


def review_query(actor, sort: str = "due", district: str | None = None, category: str | None = None,
                 assignee: str | None = None):
    """Proposals waiting for the actor's department's response (all of them for admins), in the
    staff desk's order: response due (soonest first), received (when the threshold was reached),
    district or assignee (by name; unassigned last). ``assignee``: ``me``, ``none`` (nobody yet)
    or a user id, as on the petitions desk; empty: anyone."""
    require_role(actor, "staff")
    if sort not in REVIEW_SORTS:
        raise ValidationFailed({"sort": N_("One of %(values)s.", values=", ".join(REVIEW_SORTS))})
    query = select(Proposal).where(Proposal.status == UNDER_REVIEW)
    if not actor.has_role("admin"):
        query = query.where(Proposal.department_id == actor.department_id)
    if district:
        query = query.where(Proposal.district_code == district)
    if category:
        query = query.where(Proposal.category == category)
    if assignee == "me":
        query = query.where(Proposal.assignee_id == actor.id)
    elif assignee == "none":
        query = query.where(Proposal.assignee_id.is_(None))
    elif assignee:
        try:
            query = query.where(Proposal.assignee_id == int(assignee))
        except ValueError:
            raise ValidationFailed({"assignee": N_("Use me, none or a user id.")}) from None
    query = query.options(selectinload(Proposal.assignee))
    if sort.lstrip("-") == "assignee":
        query = query.outerjoin(User, Proposal.assignee_id == User.id)
    column = {"due": Proposal.response_due_at, "received": Proposal.threshold_reached_at,
              "district": Proposal.district_code, "assignee": User.display_name}[sort.lstrip("-")]
    first = (column.desc() if sort.startswith("-") else column.asc()).nulls_last()
    return query.order_by(first, Proposal.id.desc() if sort.startswith("-") else Proposal.id)


def review_queue(actor, page: int = 1, per_page: int = 20, sort: str = "due", district: str | None = None,
                 category: str | None = None, assignee: str | None = None) -> Page:
    return paginate(review_query(actor, sort, district, category, assignee), page, per_page)


def review_export(actor, sort: str = "due", district: str | None = None, category: str | None = None,
                  limit: int = 5000, assignee: str | None = None) -> list[Proposal]:
    return list(db.session.scalars(review_query(actor, sort, district, category, assignee).limit(limit)))


def assign_proposal(actor, proposal_id: int, user_id) -> Proposal:
    """Give a proposal under review to a staff member of its department, who prepares the
    response (``user_id`` empty: to nobody). The assignee is told, unless they took it themselves."""
    from civic.accounts.service import department_staff_member

    require_role(actor, "staff")
    proposal = get_proposal(actor, proposal_id)
    if proposal.status != UNDER_REVIEW:
        raise Conflict(N_("Only proposals under review can be assigned."))
    if not may_respond(actor, proposal):
        raise Forbidden(N_("Only the department the proposal was routed to can respond."))
    member = department_staff_member(proposal.department_id, user_id) if user_id not in (None, "") else None
    with unit_of_work():
        proposal.assignee = member
        audit.record(actor, "proposal.assign", "proposal", proposal.id, department_id=proposal.department_id,
                     assignee_id=member.id if member else None)
        if member is not None and member.id != actor.id:
            with in_locale_of(member):
                notify(member, "proposal_staff", _("A proposal was assigned to you: %(title)s", title=proposal.title),
                       "", f"/staff/participation/proposals/{proposal.id}")
    return proposal


def review_flags(proposal: Proposal, now=None) -> dict[str, bool]:
    """``overdue`` / ``due_soon`` (within a week) for a proposal waiting for its response."""
    from datetime import timedelta

    if proposal.status != UNDER_REVIEW or proposal.response_due_at is None:
        return {"overdue": False, "due_soon": False}
    now = now or utcnow()
    due = proposal.response_due_at
    return {"overdue": due < now, "due_soon": now <= due < now + timedelta(days=7)}


def respond(actor, proposal_id: int, outcome: str, body: str) -> Proposal:
    """The department publishes its official response; the author and supporters are told."""
    require_role(actor, "staff")
    proposal = get_proposal(actor, proposal_id)
    if proposal.status != UNDER_REVIEW:
        raise Conflict(N_("Only proposals under review can be answered."))
    if not may_respond(actor, proposal):
        raise Forbidden(N_("Only the department the proposal was routed to can respond."))
    errors = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = N_("One of %(values)s.", values=", ".join(OUTCOMES))
    body = (body or "").strip()
    if len(body) < 10:
        errors["body"] = N_("Write a response of at least 10 characters.")
    elif len(body) > 20_000:
        errors["body"] = N_("Use at most 20,000 characters.")
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        before = facts(proposal)
        events.emit(events.ProposalStatusChanged(proposal_id=proposal.id, old_status=proposal.status,
                                                 new_status=ANSWERED))
        proposal.status = ANSWERED
        proposal.response_outcome, proposal.response_body = outcome, body
        proposal.responded_at, proposal.responded_by_id = utcnow(), actor.id
        events.emit(events.ProposalResponded(proposal.id, proposal.responded_at, proposal.department_id,
                                             before=before, after=facts(proposal)))
        audit.record(actor, "proposal.respond", "proposal", proposal.id, department_id=proposal.department_id,
                     outcome=outcome)
        with in_locale_of(proposal.author):
            notify(proposal.author, "proposal.answered", _("Your proposal has an official response"),
                   proposal.title, _proposal_url(proposal))
    from civic.jobs import enqueue

    enqueue(notify_supporters, proposal.id, _proposal_url(proposal), retries=2)
    return proposal


def notify_supporters(proposal_id: int, url: str = "") -> int:
    """Background job: tell every supporter about the official response. Returns how many."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.status != ANSWERED:
        return 0
    supporters = db.session.scalars(select(User).join(ProposalSupport, ProposalSupport.user_id == User.id)
                                     .where(ProposalSupport.proposal_id == proposal_id))
    count = 0
    with unit_of_work():
        for user in supporters:
            with in_locale_of(user):
                notify(user, "proposal.answered", _("A proposal you support has an official response"),
                       proposal.title, url)
            count += 1
    return count
