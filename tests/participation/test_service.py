import threading
from datetime import timedelta

import pytest

from civic.accounts.models import User
from civic.audit import AuditEntry
from civic.db import unit_of_work, utcnow
from civic.errors import Conflict, DomainError, Forbidden, NotFound, Unauthorized, ValidationFailed
from civic.extensions import db
from civic.notifications.models import Notification
from civic.participation import service
from civic.participation.models import PollVote, Proposal, ProposalSupport
from tests.factories import make_user
from tests.participation.builders import close_now, make_poll, make_proposal, make_staff


def many_users(n: int) -> list[int]:
    """Plain citizen rows (no password hashing: fast enough for a crowd)."""
    with unit_of_work():
        users = [User(email=f"crowd{i}@example.org", role="citizen") for i in range(n)]
        db.session.add_all(users)
    return [u.id for u in users]


def in_parallel(app, calls):
    """Run each ``call(session_user)`` in its own thread and app context, all released at once.
    Returns the outcome names ("ok" or the domain error's class name)."""
    barrier = threading.Barrier(len(calls))
    outcomes = []
    lock = threading.Lock()

    def worker(user_id, call):
        with app.app_context():
            try:
                # Released together; each then needs a pooled connection, as requests would.
                barrier.wait(timeout=60)
                call(db.session.get(User, user_id))
                outcome = "ok"
            except DomainError as exc:
                outcome = type(exc).__name__
            except Exception as exc:  # noqa: BLE001 - reported in the assertion below
                outcome = repr(exc)
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=args) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


# --- polls --------------------------------------------------------------------------------------

def test_only_staff_create_polls_and_inputs_are_checked(app, departments):
    citizen = make_user()
    with pytest.raises(Forbidden):
        make_poll(staff=citizen)
    with pytest.raises(Unauthorized):
        service.create_poll(None, question_ko="Q", options=["a", "b"], opens_at=utcnow(),
                            closes_at=utcnow() + timedelta(days=1))
    staff = make_staff()
    with pytest.raises(ValidationFailed) as exc:
        make_poll(staff, options=["only one"])
    assert "options" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        make_poll(staff, options=[str(i) for i in range(11)])
    assert "options" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        make_poll(staff, opens_at=utcnow() + timedelta(days=2), closes_at=utcnow() + timedelta(days=1))
    assert "closes_at" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        make_poll(staff, district_code="99999")
    assert "district_code" in exc.value.errors


def test_poll_creation_is_audited_and_naive_times_are_seoul_time(app, departments, db):
    from datetime import datetime

    staff = make_staff()
    poll = make_poll(staff, opens_at=datetime(2030, 1, 1, 9, 0), closes_at=datetime(2030, 1, 8, 18, 0),
                     district_code="11680")
    assert poll.opens_at.isoformat() == "2030-01-01T00:00:00+00:00"  # 09:00 KST
    assert [o.label for o in poll.options] == ["Yes", "No"]
    entry = db.session.query(AuditEntry).filter_by(action="poll.create").one()
    assert entry.actor_id == staff.id and entry.subject_id == str(poll.id)


def test_vote_window_unknown_option_and_second_vote(app, departments):
    poll = make_poll()
    voter = make_user()
    with pytest.raises(ValidationFailed) as exc:
        service.cast_vote(voter, poll.id, 999999)
    assert "option_id" in exc.value.errors
    service.cast_vote(voter, poll.id, poll.options[0].id)
    with pytest.raises(Conflict, match="already voted"):
        service.cast_vote(voter, poll.id, poll.options[1].id)
    upcoming = make_poll(opens_at=utcnow() + timedelta(days=1), closes_at=utcnow() + timedelta(days=2))
    with pytest.raises(Conflict, match="not open yet"):
        service.cast_vote(voter, upcoming.id, upcoming.options[0].id)
    close_now(poll)
    with pytest.raises(Conflict, match="closed"):
        service.cast_vote(make_user(), poll.id, poll.options[0].id)
    with pytest.raises(Unauthorized):
        service.cast_vote(None, poll.id, poll.options[0].id)


def test_changing_a_vote_only_where_the_poll_allows_it(app, departments, db):
    poll = make_poll(allow_vote_change=True)
    voter = make_user()
    service.cast_vote(voter, poll.id, poll.options[0].id)
    service.cast_vote(voter, poll.id, poll.options[1].id)
    assert service.vote_counts(poll) == {poll.options[0].id: 0, poll.options[1].id: 1}
    assert db.session.query(PollVote).count() == 1


def test_results_visibility_after_vote_or_after_close(app, departments):
    after_vote = make_poll()
    after_close = make_poll(results_visibility="after_close")
    voter, other = make_user(), make_user()
    assert not service.view_poll(voter, after_vote).results_visible
    service.cast_vote(voter, after_vote.id, after_vote.options[0].id)
    view = service.view_poll(voter, after_vote)
    assert view.results_visible and view.total_votes == 1 and view.my_vote == after_vote.options[0].id
    assert view.options[0].votes == 1 and view.options[0].percent == 100.0
    assert not service.view_poll(other, after_vote).results_visible
    service.cast_vote(voter, after_close.id, after_close.options[1].id)
    hidden = service.view_poll(voter, after_close)
    assert not hidden.results_visible and hidden.total_votes is None and hidden.options[1].votes is None
    with pytest.raises(Forbidden):
        service.export_results(voter, after_close.id)
    close_now(after_close)
    assert service.view_poll(None, after_close).results_visible
    assert service.export_results(None, after_close.id)["total_votes"] == 1


def test_closed_polls_keep_results_and_export_has_counts_only(app, departments):
    poll = make_poll(options=("A", "B", "C"))
    voters = [make_user() for _ in range(3)]
    for voter, option in zip(voters, (0, 0, 2), strict=True):
        service.cast_vote(voter, poll.id, poll.options[option].id)
    service.close_poll(make_staff(), poll.id)
    data = service.export_results(None, poll.id)
    assert data["total_votes"] == 3 and [o["votes"] for o in data["options"]] == [2, 0, 1]
    text = repr(data)
    for voter in voters:
        assert voter.email not in text and f"'user_id': {voter.id}" not in text
    assert "user" not in text


def test_fifty_parallel_votes_from_one_account_count_once(app, departments, db):
    poll = make_poll()
    [voter_id] = many_users(1)
    option_id = poll.options[0].id
    outcomes = in_parallel(app, [(voter_id, lambda u: service.cast_vote(u, poll.id, option_id))] * 50)
    assert outcomes.count("ok") == 1, outcomes
    assert outcomes.count("Conflict") == 49, outcomes
    assert db.session.query(PollVote).filter_by(poll_id=poll.id).count() == 1


def test_n_accounts_voting_at_once_count_n(app, departments, db):
    poll = make_poll(options=("A", "B"))
    ids = many_users(30)
    calls = [(uid, lambda u, i=i: service.cast_vote(u, poll.id, poll.options[i % 2].id)) for i, uid in enumerate(ids)]
    outcomes = in_parallel(app, calls)
    assert outcomes == ["ok"] * 30, outcomes
    assert service.vote_counts(poll) == {poll.options[0].id: 15, poll.options[1].id: 15}


# --- proposals ----------------------------------------------------------------------------------

def test_draft_submit_publish_and_visibility(app, departments, db):
    author, stranger, staff = make_user(), make_user(), make_staff()
    draft = service.create_proposal(author, title="공원 벤치를 늘려 주세요",
                                    body="어르신들이 쉴 곳이 부족합니다. 벤치를 늘려 주세요.",
                                    category="parks", submit=False)
    assert draft.status == "draft"
    with pytest.raises(NotFound):
        service.get_proposal(stranger, draft.id)
    with pytest.raises(Forbidden):
        service.publish_proposal(stranger, draft.id)
    with pytest.raises(NotFound):
        service.submit_proposal(stranger, draft.id)
    with pytest.raises(Conflict):
        service.publish_proposal(staff, draft.id)   # drafts are not in the moderation queue
    service.update_draft(author, draft.id, title="공원 벤치를 더 늘려 주세요", body=draft.body, category="parks")
    service.submit_proposal(author, draft.id)
    assert [p.id for p in service.moderation_queue(staff).items] == [draft.id]
    assert service.list_proposals().total == 0
    service.publish_proposal(staff, draft.id)
    db.session.refresh(draft)
    assert draft.status == "published" and draft.expires_at is not None
    assert service.get_proposal(None, draft.id).id == draft.id
    assert service.list_proposals().total == 1
    assert db.session.query(AuditEntry).filter_by(action="proposal.publish").count() == 1
    assert db.session.query(Notification).filter_by(user_id=author.id, kind="proposal.published").count() == 1


def test_proposal_fields_are_validated(app, departments):
    with pytest.raises(ValidationFailed) as exc:
        service.create_proposal(make_user(), title="x", body="short", category="nope", district_code="00000")
    assert set(exc.value.errors) == {"title", "body", "category", "district_code"}
    with pytest.raises(Unauthorized):
        service.create_proposal(None, title="A fine title", body="x" * 30, category="other")


def test_hide_with_reason_the_author_sees(app, departments, db):
    author = make_user()
    proposal = make_proposal(author, publish=False)
    staff = make_staff()
    with pytest.raises(ValidationFailed):
        service.hide_proposal(staff, proposal.id, "  ")
    with pytest.raises(Forbidden):
        service.hide_proposal(make_user(), proposal.id, "spam")
    service.hide_proposal(staff, proposal.id, "개인정보가 포함되어 있습니다.")
    seen = service.get_proposal(author, proposal.id)
    assert seen.status == "hidden" and seen.hidden_reason == "개인정보가 포함되어 있습니다."
    with pytest.raises(NotFound):
        service.get_proposal(make_user(), proposal.id)
    note = db.session.query(Notification).filter_by(user_id=author.id, kind="proposal.hidden").one()
    assert "개인정보" in note.body
    entry = db.session.query(AuditEntry).filter_by(action="proposal.hide").one()
    assert entry.detail["reason"] == "개인정보가 포함되어 있습니다."
    # The author may rework a proposal hidden at moderation and submit it again.
    service.submit_proposal(author, proposal.id)
    assert service.get_proposal(author, proposal.id).status == "submitted"


def test_support_once_withdraw_and_not_own(app, departments):
    author = make_user()
    proposal = make_proposal(author)
    supporter = make_user()
    with pytest.raises(Conflict):
        service.support(author, proposal.id)
    assert service.support(supporter, proposal.id).supports_count == 1
    with pytest.raises(Conflict, match="already support"):
        service.support(supporter, proposal.id)
    assert service.has_supported(supporter, proposal)
    assert service.withdraw_support(supporter, proposal.id).supports_count == 0
    with pytest.raises(Conflict):
        service.withdraw_support(supporter, proposal.id)
    unpublished = make_proposal(publish=False)
    with pytest.raises(NotFound):
        service.support(supporter, unpublished.id)


def test_new_accounts_may_have_to_wait_before_supporting(app, departments):
    app.config["PARTICIPATION_MIN_ACCOUNT_AGE_HOURS"] = 24
    proposal = make_proposal()
    newcomer = make_user()
    with pytest.raises(Forbidden, match="24 hours"):
        service.support(newcomer, proposal.id)
    with unit_of_work():
        newcomer.created_at = utcnow() - timedelta(hours=25)
    assert service.support(newcomer, proposal.id).supports_count == 1


def test_threshold_moves_to_review_routes_and_sets_deadline(app, departments, db):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 3
    traffic_staff = make_staff("TRAFFIC")
    author = make_user()
    proposal = make_proposal(author, category="transport")
    for _ in range(2):
        service.support(make_user(), proposal.id)
    assert proposal.status == "published"
    service.support(make_user(), proposal.id)
    db.session.refresh(proposal)
    assert proposal.status == "under_review"
    assert proposal.department.code == "TRAFFIC"
    assert proposal.response_due_at - proposal.threshold_reached_at == timedelta(days=30)
    assert db.session.query(Notification).filter_by(user_id=traffic_staff.id, kind="proposal.to_answer").count() == 1
    assert db.session.query(Notification).filter_by(user_id=author.id, kind="proposal.under_review").count() == 1
    # Still open: more supports and withdrawals are allowed, the review is not undone.
    late = make_user()
    service.support(late, proposal.id)
    service.withdraw_support(late, proposal.id)
    db.session.refresh(proposal)
    assert proposal.status == "under_review" and proposal.supports_count == 3


def test_threshold_is_crossed_exactly_once_under_concurrent_supports(app, departments, db):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 10
    author = make_user()
    proposal = make_proposal(author)
    ids = many_users(25)
    outcomes = in_parallel(app, [(uid, lambda u: service.support(u, proposal.id)) for uid in ids])
    assert outcomes == ["ok"] * 25, outcomes
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.status == "under_review"
    assert proposal.supports_count == 25 == service.count_supports(proposal)
    assert db.session.query(AuditEntry).filter_by(action="proposal.threshold_reached").count() == 1
    assert db.session.query(Notification).filter_by(user_id=author.id, kind="proposal.under_review").count() == 1


def test_fifty_parallel_supports_from_one_account_count_once(app, departments, db):
    proposal = make_proposal()
    [uid] = many_users(1)
    outcomes = in_parallel(app, [(uid, lambda u: service.support(u, proposal.id))] * 50)
    assert outcomes.count("ok") == 1 and outcomes.count("Conflict") == 49, outcomes
    db.session.expire_all()
    assert db.session.query(ProposalSupport).count() == 1
    assert db.session.get(Proposal, proposal.id).supports_count == 1


def test_only_the_routed_department_responds_and_supporters_are_told(app, departments, db):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 2
    author = make_user()
    proposal = make_proposal(author, category="parks")
    supporters = [make_user(), make_user()]
    for supporter in supporters:
        service.support(supporter, proposal.id)
    with pytest.raises(Forbidden):
        service.respond(make_staff("ROADS"), proposal.id, "accepted", "We will build more benches.")
    parks = make_staff("PARKS")
    assert [p.id for p in service.review_queue(parks).items] == [proposal.id]
    with pytest.raises(ValidationFailed) as exc:
        service.respond(parks, proposal.id, "maybe", "")
    assert set(exc.value.errors) == {"outcome", "body"}
    service.respond(parks, proposal.id, "partly_accepted", "내년 예산에 일부 반영하겠습니다.")
    db.session.refresh(proposal)
    assert proposal.status == "answered" and proposal.response_outcome == "partly_accepted"
    assert db.session.query(AuditEntry).filter_by(action="proposal.respond", actor_id=parks.id).count() == 1
    kinds = {(n.user_id, n.kind) for n in db.session.query(Notification).filter_by(kind="proposal.answered")}
    assert kinds == {(author.id, "proposal.answered")} | {(s.id, "proposal.answered") for s in supporters}
    with pytest.raises(Conflict):
        service.respond(parks, proposal.id, "declined", "Changed our mind entirely.")
    with pytest.raises(Conflict):
        service.support(make_user(), proposal.id)


def test_expiry_closes_only_overdue_proposals_below_the_threshold(app, departments, db):
    author = make_user()
    old = make_proposal(author)
    fresh = make_proposal()
    with unit_of_work():
        old.expires_at = utcnow() - timedelta(minutes=1)
    assert service.expire_proposals() == 1
    assert service.expire_proposals() == 0
    db.session.refresh(old)
    db.session.refresh(fresh)
    assert old.status == "expired" and fresh.status == "published"
    assert db.session.query(Notification).filter_by(user_id=author.id, kind="proposal.expired").count() == 1
    assert ("expired", old.expires_at) in service.timeline(old)
    with pytest.raises(Conflict):
        service.support(make_user(), old.id)


def test_comments_reports_and_hiding(app, departments, db):
    proposal = make_proposal()
    writer, reader = make_user(), make_user()
    comment = service.add_comment(writer, proposal.id, "좋은 제안입니다")
    with pytest.raises(ValidationFailed):
        service.add_comment(writer, proposal.id, "   ")
    service.report_comment(reader, comment.id, "욕설")
    with pytest.raises(Conflict):
        service.report_comment(reader, comment.id)
    staff = make_staff()
    assert [c.id for c in service.reported_comments(staff).items] == [comment.id]
    with pytest.raises(Forbidden):
        service.hide_comment(reader, comment.id)
    service.hide_comment(staff, comment.id, "abusive")
    assert service.list_comments(reader, proposal).total == 0
    assert service.list_comments(staff, proposal).total == 1
    assert service.reported_comments(staff).total == 0
    assert db.session.query(AuditEntry).filter_by(action="proposal_comment.hide").count() == 1
    unpublished = make_proposal(publish=False)
    with pytest.raises(NotFound):
        service.add_comment(writer, unpublished.id, "hello")


def test_lists_sort_by_newest_supports_and_near_threshold(app, departments):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 3
    a, b, c = make_proposal(title="Proposal A title"), make_proposal(title="Proposal B title"), \
        make_proposal(title="Proposal C title")
    for _ in range(2):
        service.support(make_user(), b.id)
    for _ in range(3):
        service.support(make_user(), c.id)     # reaches the threshold: under review
    service.support(make_user(), a.id)
    assert [p.id for p in service.list_proposals("newest").items] == [c.id, b.id, a.id]
    assert [p.id for p in service.list_proposals("supports").items] == [c.id, b.id, a.id]
    assert [p.id for p in service.list_proposals("near_threshold").items] == [b.id, a.id]
    assert [p.id for p in service.list_proposals(status="under_review").items] == [c.id]


def test_supporters_are_told_of_the_response_by_a_queued_job(app, departments, db, redis_url):
    from civic import jobs

    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 1
    proposal = make_proposal(category="parks")
    supporter = make_user()
    service.support(supporter, proposal.id)
    app.config.update(JOBS_INLINE=False, REDIS_URL=redis_url)
    service.respond(make_staff("PARKS"), proposal.id, "accepted", "공원에 그늘막을 설치하겠습니다.")
    queue = jobs.get_queue()
    # One job tells the supporters (the proposal's status change is another: the author's mail).
    [job] = [j for j in queue.jobs if j.args[0].endswith(":notify_supporters")]
    assert db.session.query(Notification).filter_by(user_id=supporter.id).filter(
        Notification.kind == "proposal.answered").count() == 0
    assert jobs.run_job(*job.args) == 1      # what an rq worker runs
    assert db.session.query(Notification).filter_by(user_id=supporter.id, kind="proposal.answered").count() == 1


def test_a_support_racing_a_hide_is_refused(app, departments, db, monkeypatch):
    from civic.participation import supports

    proposal = make_proposal()
    staff = make_staff()
    checked = supports._check_may_support

    def hide_meanwhile(user, p):
        checked(user, p)    # the proposal was open when checked ...
        service.hide_proposal(staff, p.id, "중복 제안")   # ... and is hidden before the write

    monkeypatch.setattr(supports, "_check_may_support", hide_meanwhile)
    with pytest.raises(Conflict, match="not open"):
        service.support(make_user(), proposal.id)
    assert db.session.query(ProposalSupport).count() == 0
