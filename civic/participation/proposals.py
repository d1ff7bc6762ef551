"""Proposal rules: drafting, moderation, supports with a threshold, comments, official responses,
expiry. Who may see or change a proposal is decided here, once, for every face."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from civic import audit
from civic.accounts.models import Department, User
from civic.accounts.service import require_role
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from civic.extensions import db
from civic.geo import validate_district_codes
from civic.notifications.service import in_locale_of, notify
from civic.participation.models import (
    ANSWERED,
    DRAFT,
    EXPIRED,
    HIDDEN,
    OPEN_STATUSES,
    OUTCOMES,
    PUBLIC_STATUSES,
    PUBLISHED,
    SUBMITTED,
    UNDER_REVIEW,
    CommentReport,
    Proposal,
    ProposalComment,
    ProposalSupport,
)
from civic.participation.texts import N_

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
            raise ValidationFailed({"status": f"One of {', '.join(PUBLIC_STATUSES)}."})
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


# --- drafting and moderation -------------------------------------------------------------------

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
                    photo=None, submit: bool = True) -> Proposal:
    """A citizen drafts a proposal (``submit=False``) or sends it straight to moderation."""
    _require_user(user)
    values = _validate_fields(title, body, category, district_code)
    stored = None
    if photo is not None:
        from civic.uploads import save_image

        stored = save_image(photo, "photo")
    try:
        with unit_of_work():
            now = utcnow()
            proposal = Proposal(author_id=user.id, status=SUBMITTED if submit else DRAFT,
                                submitted_at=now if submit else None, supports_count=0, **values)
            if stored:
                proposal.photo_name, proposal.photo_thumb_name = stored.name, stored.thumb_name
            db.session.add(proposal)
    except BaseException:
        if stored:
            from civic.uploads import delete_image

            delete_image(stored.name, stored.thumb_name)
        raise
    return proposal


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
        proposal.status = PUBLISHED
        proposal.hidden_reason = None
        proposal.published_at = proposal.published_at or now
        support_days = current_app.config["PROPOSAL_SUPPORT_DAYS"]
        proposal.expires_at = proposal.expires_at or now + timedelta(days=support_days)
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
        previous = proposal.status
        proposal.status, proposal.hidden_reason = HIDDEN, reason
        audit.record(actor, "proposal.hide", "proposal", proposal.id, department_id=actor.department_id,
                     reason=reason, previous_status=previous)
        with in_locale_of(proposal.author):
            notify(proposal.author, "proposal.hidden", _("Your proposal was hidden"),
                   _("Reason: %(reason)s", reason=reason), _proposal_url(proposal))
    return proposal


# --- supports and the threshold -----------------------------------------------------------------

def _check_may_support(user, proposal: Proposal) -> None:
    if proposal.author_id == user.id:
        raise Conflict(N_("You cannot support your own proposal."))
    if proposal.status not in OPEN_STATUSES:
        raise Conflict(N_("This proposal is not open for support."))
    wait_hours = current_app.config["PARTICIPATION_MIN_ACCOUNT_AGE_HOURS"]
    if wait_hours and user.created_at > utcnow() - timedelta(hours=wait_hours):
        raise Forbidden(f"New accounts can support proposals {wait_hours} hours after sign-up.")


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
            if counted.rowcount != 1:
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
    if moved.rowcount != 1:
        return  # another transaction crossed it first
    department = _route(proposal)
    db.session.execute(
        update(Proposal).where(Proposal.id == proposal.id)
        .values(department_id=department.id if department else None,
                response_due_at=now + timedelta(days=current_app.config["PROPOSAL_RESPONSE_DAYS"]))
        .execution_options(synchronize_session=False))
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
        if removed.rowcount != 1:
            raise Conflict(N_("You do not support this proposal."))
        counted = db.session.execute(
            update(Proposal).where(Proposal.id == proposal.id, Proposal.status.in_(OPEN_STATUSES))
            .values(supports_count=Proposal.supports_count - 1).execution_options(synchronize_session=False))
        if counted.rowcount != 1:
            raise Conflict(N_("This proposal is no longer open; supports cannot be withdrawn."))
    db.session.refresh(proposal)
    return proposal


def count_supports(proposal: Proposal) -> int:
    return db.session.scalar(select(func.count()).select_from(ProposalSupport)
                             .where(ProposalSupport.proposal_id == proposal.id)) or 0


# --- official responses ---------------------------------------------------------------------------

def review_queue(actor, page: int = 1, per_page: int = 20) -> Page:
    """Proposals waiting for the actor's department's response (all of them for admins)."""
    require_role(actor, "staff")
    query = select(Proposal).where(Proposal.status == UNDER_REVIEW)
    if not actor.has_role("admin"):
        query = query.where(Proposal.department_id == actor.department_id)
    return paginate(query.order_by(Proposal.response_due_at, Proposal.id), page, per_page)


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
        errors["outcome"] = f"One of {', '.join(OUTCOMES)}."
    body = (body or "").strip()
    if len(body) < 10:
        errors["body"] = N_("Write a response of at least 10 characters.")
    elif len(body) > 20_000:
        errors["body"] = N_("Use at most 20,000 characters.")
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        proposal.status = ANSWERED
        proposal.response_outcome, proposal.response_body = outcome, body
        proposal.responded_at, proposal.responded_by_id = utcnow(), actor.id
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


# --- expiry -------------------------------------------------------------------------------------

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
            if moved.rowcount == 1:
                expired += 1
                audit.record(None, "proposal.expire", "proposal", proposal.id, supports=proposal.supports_count)
                with in_locale_of(proposal.author):
                    notify(proposal.author, "proposal.expired", _("Your proposal has expired"),
                           _("“%(title)s” did not reach %(n)d supports in time.", title=proposal.title,
                             n=threshold()), _proposal_url(proposal))
        db.session.refresh(proposal)
    return expired


# --- comments -----------------------------------------------------------------------------------

def add_comment(user, proposal_id: int, body: str) -> ProposalComment:
    proposal = get_proposal(_require_user(user), proposal_id)
    if proposal.status not in (PUBLISHED, UNDER_REVIEW, ANSWERED):
        raise Conflict(N_("Comments are closed for this proposal."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": N_("Write a comment.")})
    if len(body) > 2000:
        raise ValidationFailed({"body": N_("Use at most 2,000 characters.")})
    with unit_of_work():
        comment = ProposalComment(proposal_id=proposal.id, author_id=user.id, body=body)
        db.session.add(comment)
    return comment


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
