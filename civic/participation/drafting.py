"""Drafting a proposal and its moderation: a citizen drafts and submits, staff publish or hide."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from civic import audit, events
from civic.accounts.service import require_role
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Conflict, Forbidden, ValidationFailed
from civic.extensions import db
from civic.geo import validate_district_codes
from civic.idempotency import clean_token, create_once
from civic.notifications.service import in_locale_of, notify
from civic.participation.facts import facts
from civic.participation.models import DRAFT, HIDDEN, PUBLISHED, SUBMITTED, UNDER_REVIEW, Proposal
from civic.participation.proposals import _proposal_url, _require_user, categories, get_proposal


def _validate_fields(title, body, category, district_code) -> dict:
    errors: dict[str, str] = {}
    title, body = (title or "").strip(), (body or "").strip()
    if len(title) < 5:
        errors["title"] = N_("Give a title of at least 5 characters.")
    elif len(title) > 200:
        errors["title"] = N_("Use at most 200 characters.")
    if len(body) < 20:
        errors["body"] = N_("Describe your proposal in at least 20 characters.")
    elif len(body) > 10_000:
        errors["body"] = N_("Use at most 10,000 characters.")
    if category not in categories():
        errors["category"] = N_("Choose a category.")
    if district_code:
        try:
            validate_district_codes([district_code], field="district_code")
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return {"title": title, "body": body, "category": category, "district_code": district_code or None}


def create_proposal(user, *, title: str, body: str, category: str, district_code: str | None = None,
                    photo=None, submit: bool = True, client_token: str | None = None) -> Proposal:
    """A citizen drafts a proposal (``submit=False``) or sends it straight to moderation. The
    account's e-mail address must be confirmed. A ``client_token`` (the API's ``Idempotency-Key``)
    this author already used returns that proposal instead of a second one (``civic.idempotency``)."""
    from civic.accounts.recovery import require_confirmed

    require_confirmed(_require_user(user))
    token = clean_token(client_token)
    sent = ((title or "").strip(), (body or "").strip(), category, district_code or None)

    def create() -> Proposal:
        values = _validate_fields(title, body, category, district_code)
        stored = None
        if photo is not None:
            from civic.uploads import save_image

            stored = save_image(photo, "photo")
        try:
            with unit_of_work():
                now = utcnow()
                proposal = Proposal(author_id=user.id, status=SUBMITTED if submit else DRAFT,
                                    submitted_at=now if submit else None, supports_count=0, client_token=token,
                                    **values)
                if stored:
                    proposal.photo_name, proposal.photo_thumb_name = stored.name, stored.thumb_name
                db.session.add(proposal)
        except BaseException:
            if stored:
                from civic.uploads import delete_image

                delete_image(stored.name, stored.thumb_name)
            raise
        return proposal

    return create_once(Proposal, token, create, owned=lambda p: p.author_id == user.id,
                       same=lambda p: (p.title, p.body, p.category, p.district_code) == sent)


def _is_editable(proposal: Proposal) -> bool:
    # A proposal hidden at moderation may be reworked; one hidden after publication may not.
    return proposal.status == DRAFT or (proposal.status == HIDDEN and proposal.published_at is None)


def may_edit(user, proposal: Proposal) -> bool:
    return user is not None and user.id == proposal.author_id and _is_editable(proposal)


def update_draft(user, proposal_id: int, *, title: str, body: str, category: str,
                 district_code: str | None = None, submit: bool = False) -> Proposal:
    """The author edits a draft (or a hidden proposal, to address the moderator's reason)."""
    proposal = get_proposal(_require_user(user), proposal_id)
    if proposal.author_id != user.id:
        raise Forbidden(N_("Only the author may edit this proposal."))
    if not _is_editable(proposal):
        raise Conflict(N_("Only drafts can be edited."))
    values = _validate_fields(title, body, category, district_code)
    with unit_of_work():
        for key, value in values.items():
            setattr(proposal, key, value)
        if submit:
            proposal.status, proposal.submitted_at = SUBMITTED, utcnow()
    return proposal


def submit_proposal(user, proposal_id: int) -> Proposal:
    proposal = get_proposal(_require_user(user), proposal_id)
    if proposal.author_id != user.id:
        raise Forbidden(N_("Only the author may submit this proposal."))
    if not _is_editable(proposal):
        raise Conflict(N_("This proposal has already been submitted."))
    with unit_of_work():
        proposal.status, proposal.submitted_at = SUBMITTED, utcnow()
    return proposal


def moderation_queue(actor, page: int = 1, per_page: int = 20) -> Page:
    require_role(actor, "staff")
    query = select(Proposal).where(Proposal.status == SUBMITTED).order_by(Proposal.submitted_at, Proposal.id)
    return paginate(query, page, per_page)


def publish_proposal(actor, proposal_id: int) -> Proposal:
    """Staff publish a submitted proposal; supports are then collected for the support period."""
    require_role(actor, "staff")
    proposal = get_proposal(actor, proposal_id)
    if proposal.status not in (SUBMITTED, HIDDEN) or proposal.threshold_reached_at is not None:
        raise Conflict(N_("Only submitted or hidden proposals can be published."))
    with unit_of_work():
        now = utcnow()
        events.emit(events.ProposalStatusChanged(proposal_id=proposal.id, old_status=proposal.status,
                                                 new_status=PUBLISHED))
        proposal.status = PUBLISHED
        proposal.hidden_reason = None
        proposal.published_at = proposal.published_at or now
        proposal.expires_at = proposal.expires_at or now + timedelta(days=current_app.config["PROPOSAL_SUPPORT_DAYS"])
        audit.record(actor, "proposal.publish", "proposal", proposal.id, department_id=actor.department_id)
        with in_locale_of(proposal.author):
            notify(proposal.author, "proposal.published", _("Your proposal was published"),
                   _("“%(title)s” is now public and can collect supports.", title=proposal.title),
                   _proposal_url(proposal))
    return proposal


def hide_proposal(actor, proposal_id: int, reason: str) -> Proposal:
    """Staff hide a proposal with a reason the author sees."""
    require_role(actor, "staff")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": N_("Give the reason the author will see.")})
    if len(reason) > 2000:
        raise ValidationFailed({"reason": N_("Use at most 2,000 characters.")})
    proposal = get_proposal(actor, proposal_id)
    if proposal.status not in (SUBMITTED, PUBLISHED, UNDER_REVIEW):
        raise Conflict(N_("This proposal cannot be hidden in its current state."))
    with unit_of_work():
        previous, before = proposal.status, facts(proposal)
        proposal.status, proposal.hidden_reason = HIDDEN, reason
        events.emit(events.ProposalStatusChanged(proposal_id=proposal.id, old_status=previous, new_status=HIDDEN,
                                                 before=before, after=facts(proposal)))
        audit.record(actor, "proposal.hide", "proposal", proposal.id, department_id=actor.department_id,
                     reason=reason, previous_status=previous)
        with in_locale_of(proposal.author):
            notify(proposal.author, "proposal.hidden", _("Your proposal was hidden"),
                   _("Reason: %(reason)s", reason=reason), _proposal_url(proposal))
    return proposal
