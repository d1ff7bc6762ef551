"""Reading proposals, and who may see, edit or answer one: decided here, once, for every face.
The other proposal rules are by subject beside it: drafting.py, supports.py, responses.py,
comments.py."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from civic.accounts.models import User
from civic.api.pagination import Page, paginate
from civic.errors import N_, NotFound, Unauthorized, ValidationFailed
from civic.extensions import db
from civic.participation.models import (
    EXPIRED,
    PUBLIC_STATUSES,
    PUBLISHED,
    Proposal,
    ProposalComment,
    ProposalSupport,
)

SORTS = ("newest", "supports", "near_threshold")


def categories() -> list[str]:
    return list(current_app.config["PROPOSAL_CATEGORY_DEPARTMENTS"])


def threshold() -> int:
    return current_app.config["PROPOSAL_SUPPORT_THRESHOLD"]


def _require_user(user) -> User:
    if user is None:
        raise Unauthorized(N_("Sign in to continue."))
    return user


def _proposal_url(proposal: Proposal) -> str:
    # A plain path: notifications are also written from the CLI and workers, outside requests.
    return f"/proposals/{proposal.id}"


# --- reading ---------------------------------------------------------------------------------

def is_moderator(user) -> bool:
    return user is not None and user.has_role("staff")


def may_respond(user, proposal: Proposal) -> bool:
    """Staff of the department the proposal was routed to, and admins."""
    if user is None:
        return False
    if user.has_role("admin"):
        return True
    return user.has_role("staff") and proposal.department_id is not None \
        and user.department_id == proposal.department_id


def may_view(user, proposal: Proposal) -> bool:
    if proposal.status in PUBLIC_STATUSES:
        return True
    return user is not None and (user.id == proposal.author_id or is_moderator(user))


def get_proposal(user, proposal_id: int) -> Proposal:
    """A proposal ``user`` may see; unpublished ones are visible only to their author and staff."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not may_view(user, proposal):
        raise NotFound(N_("No such proposal."))
    return proposal


def list_proposals(sort: str = "newest", status: str | None = None, district: str | None = None,
                   category: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Public proposals. ``near_threshold``: still collecting supports, closest to the threshold."""
    query = select(Proposal)
    if sort == "near_threshold":
        query = query.where(Proposal.status == PUBLISHED).order_by(
            Proposal.supports_count.desc(), Proposal.expires_at, Proposal.id)
    else:
        query = query.where(Proposal.status.in_(PUBLIC_STATUSES))
        if sort == "supports":
            query = query.order_by(Proposal.supports_count.desc(), Proposal.id.desc())
        else:
            query = query.order_by(Proposal.published_at.desc(), Proposal.id.desc())
    if status:
        if status not in PUBLIC_STATUSES:
            raise ValidationFailed({"status": N_("One of %(values)s.", values=", ".join(PUBLIC_STATUSES))})
        query = query.where(Proposal.status == status)
    if district:
        query = query.where(Proposal.district_code == district)
    if category:
        query = query.where(Proposal.category == category)
    return paginate(query, page, per_page)


def list_mine(user, page: int = 1, per_page: int = 20) -> Page:
    _require_user(user)
    query = select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id.desc())
    return paginate(query, page, per_page)


def has_supported(user, proposal: Proposal) -> bool:
    if user is None:
        return False
    return db.session.scalar(select(ProposalSupport.id).where(
        ProposalSupport.proposal_id == proposal.id, ProposalSupport.user_id == user.id)) is not None


def list_comments(user, proposal: Proposal, page: int = 1, per_page: int = 50) -> Page:
    """Comments oldest first; hidden ones only for staff (who see why they were hidden)."""
    query = select(ProposalComment).where(ProposalComment.proposal_id == proposal.id)
    if not is_moderator(user):
        query = query.where(ProposalComment.hidden_at.is_(None))
    return paginate(query.order_by(ProposalComment.id), page, per_page)


def timeline(proposal: Proposal) -> list[tuple[str, object]]:
    """(event, when) pairs for the detail page, oldest first."""
    events = [("submitted", proposal.submitted_at), ("published", proposal.published_at),
              ("threshold_reached", proposal.threshold_reached_at), ("answered", proposal.responded_at)]
    if proposal.status == EXPIRED:
        events.append(("expired", proposal.expires_at))
    return [(name, when) for name, when in events if when is not None]
