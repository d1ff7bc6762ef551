"""Comments on proposals: writing, reporting abuse, and hiding by staff."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from civic import audit
from civic.accounts.service import require_role
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Conflict, NotFound, ValidationFailed
from civic.extensions import db
from civic.idempotency import clean_token, create_once
from civic.participation.models import ANSWERED, PUBLISHED, UNDER_REVIEW, CommentReport, ProposalComment
from civic.participation.proposals import _require_user, get_proposal


def add_comment(user, proposal_id: int, body: str, client_token: str | None = None) -> ProposalComment:
    """Comment on a public proposal. A ``client_token`` (the API's ``Idempotency-Key``) this author
    already used returns that comment instead of a second one (``civic.idempotency``)."""
    from civic.accounts.recovery import require_confirmed

    proposal = get_proposal(_require_user(user), proposal_id)
    require_confirmed(user)
    body = (body or "").strip()
    token = clean_token(client_token)

    def create() -> ProposalComment:
        if proposal.status not in (PUBLISHED, UNDER_REVIEW, ANSWERED):
            raise Conflict(N_("Comments are closed for this proposal."))
        if not body:
            raise ValidationFailed({"body": N_("Write a comment.")})
        if len(body) > 2000:
            raise ValidationFailed({"body": N_("Use at most 2,000 characters.")})
        with unit_of_work():
            comment = ProposalComment(proposal_id=proposal.id, author_id=user.id, body=body, client_token=token)
            db.session.add(comment)
        return comment

    return create_once(ProposalComment, token, create, owned=lambda c: c.author_id == user.id,
                       same=lambda c: (c.proposal_id, c.body) == (proposal.id, body))


def _get_comment(comment_id: int) -> ProposalComment:
    comment = db.session.get(ProposalComment, comment_id)
    if comment is None:
        raise NotFound(N_("No such comment."))
    return comment


def report_comment(user, comment_id: int, reason: str = "") -> ProposalComment:
    """Flag an abusive comment for staff; each account counts once."""
    _require_user(user)
    comment = _get_comment(comment_id)
    get_proposal(user, comment.proposal_id)
    if comment.hidden_at is not None:
        raise NotFound(N_("No such comment."))
    try:
        with unit_of_work():
            db.session.add(CommentReport(comment_id=comment.id, user_id=user.id, reason=(reason or "")[:200]))
            db.session.flush()
            db.session.execute(update(ProposalComment).where(ProposalComment.id == comment.id)
                               .values(reports_count=ProposalComment.reports_count + 1)
                               .execution_options(synchronize_session=False))
    except IntegrityError:
        raise Conflict(N_("You have already reported this comment.")) from None
    db.session.refresh(comment)
    return comment


def reported_comments(actor, page: int = 1, per_page: int = 20) -> Page:
    require_role(actor, "staff")
    query = select(ProposalComment).where(ProposalComment.reports_count > 0, ProposalComment.hidden_at.is_(None)) \
        .order_by(ProposalComment.reports_count.desc(), ProposalComment.id)
    return paginate(query, page, per_page)


def hide_comment(actor, comment_id: int, reason: str = "") -> ProposalComment:
    require_role(actor, "staff")
    comment = _get_comment(comment_id)
    if comment.hidden_at is not None:
        raise Conflict(N_("The comment is already hidden."))
    with unit_of_work():
        comment.hidden_at = utcnow()
        comment.hidden_reason = (reason or "").strip()[:2000] or None
        audit.record(actor, "proposal_comment.hide", "proposal_comment", comment.id,
                     department_id=actor.department_id, proposal_id=comment.proposal_id, reason=comment.hidden_reason)
    return comment
