"""Poll rules: creation by staff, the voting window, one vote per account, result visibility."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from civic import audit, events
from civic.accounts.service import require_role
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from civic.extensions import db
from civic.geo import validate_district_codes
from civic.idempotency import clean_token, create_once
from civic.participation.models import RESULTS_AFTER_CLOSE, RESULTS_VISIBILITY, Poll, PollOption, PollVote
from civic.timezone import to_utc

MIN_OPTIONS, MAX_OPTIONS = 2, 10
POLL_STATES = ("open", "upcoming", "closed")


def create_poll(actor, *, question_ko: str, options: list[str], opens_at: datetime, closes_at: datetime,
                question_en: str = "", description: str = "", district_code: str | None = None,
                results_visibility: str = "after_vote", allow_vote_change: bool = False,
                client_token: str | None = None) -> Poll:
    """Staff create a poll with 2-10 options and an opening window (naive times are Seoul time). A
    ``client_token`` (the API's ``Idempotency-Key``) this person already used returns that poll
    instead of a second one (``civic.idempotency``)."""
    require_role(actor, "staff")
    token = clean_token(client_token)
    sent = ((question_ko or "").strip(), [str(o).strip() for o in (options or []) if str(o or "").strip()],
            opens_at and to_utc(opens_at), closes_at and to_utc(closes_at))
    return create_once(
        Poll, token,
        lambda: _create_poll(actor, question_ko, options, opens_at, closes_at, question_en, description, district_code,
                             results_visibility, allow_vote_change, token),
        owned=lambda p: p.created_by_id == actor.id,
        same=lambda p: (p.question_ko, [o.label for o in p.options], p.opens_at, p.closes_at) == sent)


def _create_poll(actor, question_ko: str, options: list[str], opens_at: datetime, closes_at: datetime,
                 question_en: str, description: str, district_code: str | None, results_visibility: str,
                 allow_vote_change: bool, token: str | None) -> Poll:
    errors: dict[str, str] = {}
    question_ko = (question_ko or "").strip()
    if not question_ko:
        errors["question_ko"] = N_("Enter the question.")
    elif len(question_ko) > 300:
        errors["question_ko"] = N_("Use at most 300 characters.")
    if len((question_en or "").strip()) > 300:
        errors["question_en"] = N_("Use at most 300 characters.")
    labels = [str(o).strip() for o in (options or []) if str(o or "").strip()]
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        errors["options"] = N_("Give between 2 and 10 options.")
    elif any(len(label) > 200 for label in labels):
        errors["options"] = N_("Each option may have at most 200 characters.")
    elif len({label.casefold() for label in labels}) != len(labels):
        errors["options"] = N_("Options must differ from each other.")
    if opens_at is None:
        errors["opens_at"] = N_("Enter the opening time.")
    if closes_at is None:
        errors["closes_at"] = N_("Enter the closing time.")
    if opens_at is not None and closes_at is not None:
        opens_at, closes_at = to_utc(opens_at), to_utc(closes_at)
        if closes_at <= opens_at:
            errors["closes_at"] = N_("The poll must close after it opens.")
        elif closes_at <= utcnow():
            errors["closes_at"] = N_("The closing time must be in the future.")
    if results_visibility not in RESULTS_VISIBILITY:
        errors["results_visibility"] = N_("One of %(values)s.", values=", ".join(RESULTS_VISIBILITY))
    if district_code:
        try:
            validate_district_codes([district_code], field="district_code")
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        poll = Poll(question_ko=question_ko, question_en=(question_en or "").strip(),
                    description=(description or "").strip(), opens_at=opens_at, closes_at=closes_at,
                    district_code=district_code or None, results_visibility=results_visibility,
                    allow_vote_change=bool(allow_vote_change), created_by_id=actor.id,
                    department_id=actor.department_id, client_token=token,
                    options=[PollOption(position=i, label=label) for i, label in enumerate(labels)])
        db.session.add(poll)
        db.session.flush()
        audit.record(actor, "poll.create", "poll", poll.id, department_id=actor.department_id,
                     question=question_ko, options=len(labels))
    return poll


def close_poll(actor, poll_id: int) -> Poll:
    """End a poll now (staff); its results are kept."""
    require_role(actor, "staff")
    poll = get_poll(poll_id)
    if poll.state() == "closed":
        raise Conflict(N_("The poll is already closed."))
    with unit_of_work():
        now = utcnow()
        poll.closes_at = now
        if poll.opens_at > now:
            poll.opens_at = now
        audit.record(actor, "poll.close", "poll", poll.id, department_id=actor.department_id)
    return poll


def get_poll(poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(N_("No such poll."))
    return poll


def list_polls(state: str | None = None, district: str | None = None, page: int = 1,
               per_page: int = 20) -> Page:
    """Open polls closing soonest first, upcoming by opening time, closed newest first."""
    now = utcnow()
    query = select(Poll)
    if state == "open":
        query = query.where(Poll.opens_at <= now, Poll.closes_at > now).order_by(Poll.closes_at, Poll.id)
    elif state == "upcoming":
        query = query.where(Poll.opens_at > now).order_by(Poll.opens_at, Poll.id)
    elif state == "closed":
        query = query.where(Poll.closes_at <= now).order_by(Poll.closes_at.desc(), Poll.id.desc())
    else:
        query = query.order_by(Poll.closes_at.desc(), Poll.id.desc())
    if district:
        query = query.where(Poll.district_code == district)
    return paginate(query, page, per_page)


def cast_vote(user, poll_id: int, option_id) -> PollVote:
    """Record ``user``'s vote. The unique (poll, user) constraint makes a second vote fail even
    when both requests arrive at once; polls that allow changing move the existing vote instead."""
    if user is None:
        raise Unauthorized(N_("Sign in to vote."))
    poll = get_poll(poll_id)
    state = poll.state()
    if state == "upcoming":
        raise Conflict(N_("The poll is not open yet."))
    if state == "closed":
        raise Conflict(N_("The poll is closed; votes are no longer accepted."))
    try:
        option_id = int(option_id)
    except (TypeError, ValueError):
        raise ValidationFailed({"option_id": N_("Choose one of the poll's options.")}) from None
    if option_id not in {o.id for o in poll.options}:
        raise ValidationFailed({"option_id": N_("Choose one of the poll's options.")})
    try:
        with unit_of_work():
            vote = PollVote(poll_id=poll.id, option_id=option_id, user_id=user.id)
            db.session.add(vote)
            db.session.flush()
            events.emit(events.VoteCast(poll.id, vote.id, vote.created_at))
        return vote
    except IntegrityError:
        pass
    if not poll.allow_vote_change:
        raise Conflict(N_("You have already voted in this poll."))
    with unit_of_work():
        db.session.execute(
            update(PollVote).where(PollVote.poll_id == poll.id, PollVote.user_id == user.id)
            .values(option_id=option_id, updated_at=utcnow()).execution_options(synchronize_session=False))
    return db.session.scalars(select(PollVote).where(PollVote.poll_id == poll.id, PollVote.user_id == user.id)
                              .execution_options(populate_existing=True)).one()


def my_vote(user, poll: Poll) -> int | None:
    if user is None:
        return None
    return db.session.scalar(select(PollVote.option_id).where(PollVote.poll_id == poll.id,
                                                              PollVote.user_id == user.id))


def vote_counts(poll: Poll) -> dict[int, int]:
    rows = db.session.execute(
        select(PollVote.option_id, func.count()).where(PollVote.poll_id == poll.id).group_by(PollVote.option_id))
    counts = {o.id: 0 for o in poll.options}
    counts.update({option_id: n for option_id, n in rows})
    return counts


def can_manage(user, poll: Poll) -> bool:
    return user is not None and user.has_role("staff")


def results_visible(user, poll: Poll, voted: bool) -> bool:
    """Closed polls always show results; open ones after voting, unless the poll keeps them until
    closing. Staff always see them."""
    if poll.state() == "closed" or can_manage(user, poll):
        return True
    return voted and poll.results_visibility != RESULTS_AFTER_CLOSE


@dataclass
class OptionResult:
    id: int
    label: str
    votes: int | None = None
    percent: float | None = None


@dataclass
class PollView:
    """What a given user may see of a poll: counts only when results are visible to them."""

    poll: Poll
    state: str
    my_vote: int | None
    results_visible: bool
    total_votes: int | None
    options: list[OptionResult] = field(default_factory=list)

    @property
    def can_vote(self) -> bool:
        return self.state == "open" and (self.my_vote is None or self.poll.allow_vote_change)


def view_poll(user, poll: Poll) -> PollView:
    mine = my_vote(user, poll)
    visible = results_visible(user, poll, mine is not None)
    counts = vote_counts(poll) if visible else {}
    total = sum(counts.values()) if visible else None
    options = []
    for option in poll.options:
        result = OptionResult(option.id, option.label)
        if visible:
            result.votes = counts.get(option.id, 0)
            result.percent = round(100.0 * result.votes / total, 1) if total else 0.0
        options.append(result)
    return PollView(poll=poll, state=poll.state(), my_vote=mine, results_visible=visible,
                    total_votes=total, options=options)


def export_results(user, poll_id: int) -> dict:
    """Counts per option for a CSV/JSON export. Never contains who voted."""
    poll = get_poll(poll_id)
    view = view_poll(user, poll)
    if not view.results_visible:
        raise Forbidden(N_("Results are published when the poll closes."))
    return {
        "poll_id": poll.id,
        "question": poll.question_ko,
        "question_en": poll.question_en,
        "state": view.state,
        "opens_at": poll.opens_at.isoformat(),
        "closes_at": poll.closes_at.isoformat(),
        "total_votes": view.total_votes,
        "options": [{"id": o.id, "label": o.label, "votes": o.votes, "percent": o.percent}
                    for o in view.options],
    }
