import io

from PIL import Image

from civic.participation import service
from civic.participation.models import Poll, PollVote, Proposal
from tests.conftest import login
from tests.factories import make_user
from tests.participation.builders import close_now, make_poll, make_proposal, make_staff

EN = {"Accept-Language": "en"}


def signed_in(client, role="citizen", department=None):
    user = make_user(role, department=department) if role != "citizen" else make_user()
    login(client, user.email)
    return user


def test_hub_links_polls_and_proposals_and_shows_empty_states(client, departments):
    page = client.get("/participate", headers=EN).get_data(as_text=True)
    assert 'href="/polls"' in page and 'href="/proposals"' in page
    assert "No poll is open right now." in page
    assert 'href="/participate"' in page        # the main navigation names participation.index
    assert "아직" in client.get("/proposals").get_data(as_text=True)  # Korean by default


def test_poll_page_vote_and_results_without_js(client, departments, db):
    poll = make_poll(options=("예", "아니요"))
    anonymous = client.get(f"/polls/{poll.id}", headers=EN).get_data(as_text=True)
    assert "Sign in to vote" in anonymous and "Results are shown after you vote." in anonymous
    user = signed_in(client)
    page = client.get(f"/polls/{poll.id}", headers=EN).get_data(as_text=True)
    assert 'type="radio"' in page and "<legend>Your choice</legend>" in page
    missing = client.post(f"/polls/{poll.id}/vote", data={}, headers=EN)
    assert missing.status_code == 422 and 'id="error-summary"' in missing.get_data(as_text=True)
    response = client.post(f"/polls/{poll.id}/vote", data={"option_id": poll.options[1].id}, headers=EN,
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "your vote has been recorded" in html
    assert "1 votes, 100.0%" in html and "(your vote)" in html     # numbers as text, not colour only
    assert db.session.query(PollVote).filter_by(user_id=user.id).count() == 1
    again = client.post(f"/polls/{poll.id}/vote", data={"option_id": poll.options[0].id}, headers=EN,
                        follow_redirects=True)
    assert "already voted" in again.get_data(as_text=True)
    assert db.session.query(PollVote).count() == 1


def test_poll_lists_by_state_and_result_downloads(client, departments):
    open_poll = make_poll(question_ko="열린 투표")
    closed = make_poll(question_ko="끝난 투표")
    close_now(closed)
    assert "열린 투표" in client.get("/polls").get_data(as_text=True)
    closed_page = client.get("/polls?state=closed").get_data(as_text=True)
    assert "끝난 투표" in closed_page and "열린 투표" not in closed_page
    assert client.get(f"/polls/{closed.id}/results.csv").mimetype == "text/csv"
    assert client.get(f"/polls/{closed.id}/results.json").json["total_votes"] == 0
    assert client.get(f"/polls/{open_poll.id}/results.csv").status_code == 403


def test_new_proposal_form_with_photo_and_draft(client, departments, db, app):
    assert client.get("/proposals/new").status_code == 302
    user = signed_in(client)
    bad = client.post("/proposals/new", data={"title": "x", "body": "", "category": ""}, headers=EN)
    assert bad.status_code == 422 and 'id="error-summary"' in bad.get_data(as_text=True)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    buffer.seek(0)
    response = client.post("/proposals/new", data={
        "title": "횡단보도 신호 시간을 늘려 주세요", "body": "어르신들이 건너기에 신호가 너무 짧습니다. 늘려 주세요.",
        "category": "transport", "district_code": "11110", "action": "submit",
        "photo": (buffer, "crossing.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    proposal = db.session.query(Proposal).one()
    assert proposal.status == "submitted" and proposal.author_id == user.id and proposal.photo_name
    assert client.get(f"/proposals/{proposal.id}/photo").mimetype == "image/jpeg"
    draft = client.post("/proposals/new", data={"title": "초안 제안 제목입니다",
                                                "body": "나중에 다듬어서 제출할 초안입니다. 내용 추가 예정.",
                                                "category": "other", "action": "draft"})
    assert draft.status_code == 302
    assert db.session.query(Proposal).filter_by(status="draft").count() == 1
    mine = client.get("/proposals/mine", headers=EN).get_data(as_text=True)
    assert "Draft" in mine and "Waiting for moderation" in mine


def test_proposal_page_support_withdraw_and_comment(client, departments, app):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 4
    proposal = make_proposal()
    signed_in(client)
    page = client.get(f"/proposals/{proposal.id}", headers=EN).get_data(as_text=True)
    assert "0 of 4 supports" in page and "Support this proposal" in page and "<progress" in page
    html = client.post(f"/proposals/{proposal.id}/support", data={"action": "support"}, headers=EN,
                       follow_redirects=True).get_data(as_text=True)
    assert "Thank you for your support." in html and "1 of 4 supports" in html and "Withdraw my support" in html
    # Withdrawing asks once more (without JavaScript): nothing changes until it is confirmed.
    html = client.post(f"/proposals/{proposal.id}/support", data={"action": "withdraw"}, headers=EN,
                       follow_redirects=True).get_data(as_text=True)
    assert "Withdraw your support?" in html and "Yes, withdraw my support" in html
    assert "1 of 4 supports" in client.get(f"/proposals/{proposal.id}", headers=EN).get_data(as_text=True)
    html = client.post(f"/proposals/{proposal.id}/support", data={"action": "withdraw", "confirm": "yes"},
                       headers=EN, follow_redirects=True).get_data(as_text=True)
    assert "0 of 4 supports" in html and "Your support has been withdrawn." in html
    empty = client.post(f"/proposals/{proposal.id}/comments", data={"body": ""}, headers=EN)
    assert empty.status_code == 422
    html = client.post(f"/proposals/{proposal.id}/comments", data={"body": "꼭 필요합니다"}, headers=EN,
                       follow_redirects=True).get_data(as_text=True)
    assert "꼭 필요합니다" in html


def test_unpublished_proposals_are_not_found_for_others(client, departments):
    proposal = make_proposal(publish=False)
    signed_in(client)
    assert client.get(f"/proposals/{proposal.id}").status_code == 404


def test_staff_pages_require_staff(client, departments):
    assert client.get("/staff/participation").status_code == 302
    signed_in(client)
    assert client.get("/staff/participation").status_code == 403
    assert client.post("/staff/participation/polls/new", data={}).status_code == 403


def test_staff_create_poll_in_seoul_time(client, departments, db):
    signed_in(client, "staff", "CITIZEN-COMM")
    form = client.get("/staff/participation/polls/new", headers=EN).get_data(as_text=True)
    assert 'type="datetime-local"' in form
    bad = client.post("/staff/participation/polls/new", data={
        "question_ko": "질문", "options": "하나뿐", "opens_at": "2030-05-01T09:00", "closes_at": "2030-05-02T09:00",
        "results_visibility": "after_vote"}, headers=EN)
    assert bad.status_code == 422 and "between 2 and 10" in bad.get_data(as_text=True)
    response = client.post("/staff/participation/polls/new", data={
        "question_ko": "공공 와이파이를 확대할까요?", "options": "예\n아니요\n", "opens_at": "2030-05-01T09:00",
        "closes_at": "2030-05-02T09:00", "results_visibility": "after_close", "district_code": ""})
    assert response.status_code == 302
    poll = db.session.query(Poll).one()
    assert poll.opens_at.isoformat() == "2030-05-01T00:00:00+00:00" and len(poll.options) == 2
    assert poll.results_visibility == "after_close"


def test_staff_moderate_and_respond_through_pages(client, departments, app, db):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 1
    author = make_user()
    pending = make_proposal(author, publish=False, category="parks", title="공원에 그늘을 만들어 주세요")
    signed_in(client, "staff", "PARKS")
    index = client.get("/staff/participation", headers=EN).get_data(as_text=True)
    assert "공원에 그늘을 만들어 주세요" in index
    empty_reason = client.post(f"/staff/participation/proposals/{pending.id}/hide", data={"reason": ""})
    assert empty_reason.status_code == 422
    assert client.post(f"/staff/participation/proposals/{pending.id}/publish").status_code == 302
    service.support(make_user(), pending.id)
    page = client.get(f"/staff/participation/proposals/{pending.id}", headers=EN).get_data(as_text=True)
    assert "Publish response" in page
    response = client.post(f"/staff/participation/proposals/{pending.id}/respond",
                           data={"outcome": "declined", "body": "예산 부족으로 올해는 어렵습니다."}, headers=EN,
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Declined" in html and "예산 부족으로" in html
    db.session.expire_all()
    assert db.session.get(Proposal, pending.id).status == "answered"


def test_author_sees_hide_reason_on_the_page(client, departments):
    author = make_user()
    proposal = make_proposal(author, publish=False)
    service.hide_proposal(make_staff(), proposal.id, "욕설이 포함되어 있습니다")
    login(client, author.email)
    page = client.get(f"/proposals/{proposal.id}", headers=EN).get_data(as_text=True)
    assert "Hidden by a moderator" in page and "욕설이 포함되어 있습니다" in page and "Edit" in page


def test_expire_command(runner, departments, db):
    from datetime import timedelta

    from civic.db import unit_of_work, utcnow

    proposal = make_proposal()
    with unit_of_work():
        proposal.expires_at = utcnow() - timedelta(days=1)
    result = runner.invoke(args=["participation", "expire"])
    assert result.exit_code == 0 and "expired 1 proposal(s)" in result.output
    result = runner.invoke(args=["participation", "expire", "--queue"])
    assert result.exit_code == 0 and "expired 0 proposal(s)" in result.output
    db.session.refresh(proposal)
    assert proposal.status == "expired"


def test_only_the_author_edits_a_draft_and_districts_are_named(client, departments, db):
    author = make_user()
    draft = service.create_proposal(author, title="초안 제목입니다",
                                    body="나중에 고칠 초안 내용입니다. 충분히 길게 씁니다.",
                                    category="other", district_code="11680", submit=False)
    signed_in(client, "staff", "CITIZEN-COMM")
    assert client.get(f"/proposals/{draft.id}/edit").status_code == 403
    client.post("/logout")
    login(client, author.email)
    assert "강남구" in client.get(f"/proposals/{draft.id}").get_data(as_text=True)
    response = client.post(f"/proposals/{draft.id}/edit", data={
        "title": "고친 초안 제목입니다", "body": draft.body, "category": "other", "district_code": "",
        "action": "submit"})
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.title == "고친 초안 제목입니다" and draft.status == "submitted" and draft.district_code is None
    assert client.get(f"/proposals/{draft.id}/edit").status_code == 403


def test_withdrawing_after_the_threshold_says_the_proposal_stays_sent(client, departments, app):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 1
    proposal = make_proposal()
    signed_in(client)
    client.post(f"/proposals/{proposal.id}/support", data={"action": "support"})
    html = client.get(f"/proposals/{proposal.id}/support/withdraw", headers={"Accept-Language": "ko"}
                      ).get_data(as_text=True)
    assert "이미 기준 지지 수에 도달해" in html and "취소되지 않습니다" in html
