import csv
import io

import pytest

from civic.audit import AuditEntry
from civic.participation import service
from tests.factories import bearer, make_user
from tests.participation.builders import close_now, make_poll, make_proposal, make_staff


def test_staff_create_a_poll_and_citizens_cannot(client, departments, db):
    body = {"question": "심야버스 노선을 늘릴까요?", "question_en": "More late-night bus routes?",
            "options": ["예", "아니요", "모르겠다"], "opens_at": "2030-03-01T09:00:00",
            "closes_at": "2030-03-08T18:00:00+09:00", "district_code": "11110"}
    assert client.post("/api/v1/staff/polls", json=body).status_code == 401
    assert client.post("/api/v1/staff/polls", json=body, headers=bearer(make_user())).status_code == 403
    response = client.post("/api/v1/staff/polls", json=body, headers=bearer(make_staff()))
    assert response.status_code == 201, response.json
    poll = response.json
    assert [o["label"] for o in poll["options"]] == ["예", "아니요", "모르겠다"]
    assert all(isinstance(o["id"], int) for o in poll["options"])
    assert poll["opens_at"].startswith("2030-03-01T00:00:00")   # 09:00 in Seoul
    assert poll["state"] == "upcoming" and poll["district_code"] == "11110"
    bad = client.post("/api/v1/staff/polls", json={**body, "options": ["only"]}, headers=bearer(make_staff()))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "options" in bad.json["errors"]


def test_list_get_and_vote(client, departments):
    poll = make_poll()
    voter = make_user()
    headers = bearer(voter)
    listing = client.get("/api/v1/polls?state=open")
    assert listing.status_code == 200 and listing.headers["X-Total-Count"] == "1"
    assert listing.json[0]["id"] == poll.id and listing.json[0]["options"][0]["votes"] is None
    assert client.post(f"/api/v1/polls/{poll.id}/vote", json={"option_id": poll.options[0].id}).status_code == 401
    voted = client.post(f"/api/v1/polls/{poll.id}/vote", json={"option_id": poll.options[0].id}, headers=headers)
    assert voted.status_code == 201
    assert voted.json["my_vote"] == poll.options[0].id and voted.json["total_votes"] == 1
    # Problem details speak the request's language (English here; Korean by default).
    again = client.post(f"/api/v1/polls/{poll.id}/vote", json={"option_id": poll.options[1].id},
                        headers={**headers, "Accept-Language": "en"})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assert "already voted" in again.json["detail"]
    unknown = client.post(f"/api/v1/polls/{poll.id}/vote", json={"option_id": 99999}, headers=bearer(make_user()))
    assert unknown.status_code == 422 and "option_id" in unknown.json["errors"]
    missing = client.post(f"/api/v1/polls/{poll.id}/vote", json={}, headers=bearer(make_user()))
    assert missing.status_code == 422 and "option_id" in missing.json["errors"]
    mine = client.get(f"/api/v1/polls/{poll.id}", headers=headers).json
    assert mine["my_vote"] == poll.options[0].id and mine["options"][0]["votes"] == 1
    assert client.get(f"/api/v1/polls/{poll.id}").json["total_votes"] is None
    assert client.get("/api/v1/polls/999").status_code == 404


def test_voting_outside_the_window_is_a_problem(client, departments):
    poll = make_poll()
    close_now(poll)
    response = client.post(f"/api/v1/polls/{poll.id}/vote", json={"option_id": poll.options[0].id},
                           headers={**bearer(make_user()), "Accept-Language": "en"})
    assert response.status_code == 409 and "closed" in response.json["detail"]


def test_results_export_json_and_csv_counts_only(client, departments):
    poll = make_poll(options=("찬성", "반대"), results_visibility="after_close")
    voter = make_user(email="secret-voter@example.org")
    service.cast_vote(voter, poll.id, poll.options[1].id)
    assert client.get(f"/api/v1/polls/{poll.id}/results").status_code == 403
    close_now(poll)
    data = client.get(f"/api/v1/polls/{poll.id}/results").json
    assert data["total_votes"] == 1 and [o["votes"] for o in data["options"]] == [0, 1]
    response = client.get(f"/api/v1/polls/{poll.id}/results.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["option_id", "label", "votes", "percent"]
    assert rows[2][1:3] == ["반대", "1"]
    assert "secret-voter" not in text and len(rows) == 4   # header, two options, total
    assert "secret-voter" not in str(data)


def test_proposal_lifecycle_over_the_api(client, app, departments, db):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 2
    author, staff = make_user(), make_staff()
    body = {"title": "따릉이 대여소를 늘려 주세요", "body": "우리 동네에는 공공자전거 대여소가 너무 멀리 있습니다.",
            "category": "transport", "district_code": "11680"}
    assert client.post("/api/v1/proposals", json=body).status_code == 401
    created = client.post("/api/v1/proposals", json=body, headers=bearer(author))
    assert created.status_code == 201 and created.json["status"] == "submitted"
    pid = created.json["id"]
    assert client.get(f"/api/v1/proposals/{pid}").status_code == 404
    assert client.post(f"/api/v1/staff/proposals/{pid}/publish", headers=bearer(author)).status_code == 403
    queue = client.get("/api/v1/staff/proposals/moderation", headers=bearer(staff))
    assert [p["id"] for p in queue.json] == [pid]
    published = client.post(f"/api/v1/staff/proposals/{pid}/publish", headers=bearer(staff))
    assert published.status_code == 200 and published.json["status"] == "published"
    public = client.get(f"/api/v1/proposals/{pid}").json
    assert public["status"] == "published" and public["supports"] == 0 and public["threshold"] == 2

    supporter = make_user()
    supported = client.post(f"/api/v1/proposals/{pid}/support", headers=bearer(supporter))
    assert supported.status_code == 201 and supported.json["supports"] == 1
    twice = client.post(f"/api/v1/proposals/{pid}/support", headers=bearer(supporter))
    assert twice.status_code == 409
    withdrawn = client.delete(f"/api/v1/proposals/{pid}/support", headers=bearer(supporter))
    assert withdrawn.status_code == 200 and withdrawn.json["supports"] == 0
    for user in (supporter, make_user()):
        client.post(f"/api/v1/proposals/{pid}/support", headers=bearer(user))
    review = client.get(f"/api/v1/proposals/{pid}").json
    assert review["status"] == "under_review" and review["supports"] == 2
    assert review["department"]["code"] == "TRAFFIC" and review["response_due_at"]

    traffic = make_staff("TRAFFIC")
    wrong = client.post(f"/api/v1/staff/proposals/{pid}/respond",
                        json={"outcome": "accepted", "body": "네, 하겠습니다."}, headers=bearer(staff))
    assert wrong.status_code == 403
    invalid = client.post(f"/api/v1/staff/proposals/{pid}/respond", json={"outcome": "yes", "body": "x"},
                          headers=bearer(traffic))
    assert invalid.status_code == 422 and "outcome" in invalid.json["errors"]
    answered = client.post(f"/api/v1/staff/proposals/{pid}/respond",
                           json={"outcome": "accepted", "body": "대여소 3곳을 새로 설치하겠습니다."},
                           headers=bearer(traffic))
    assert answered.status_code == 200
    final = client.get(f"/api/v1/proposals/{pid}").json
    assert final["status"] == "answered" and final["response"]["outcome"] == "accepted"
    assert {e.action for e in db.session.query(AuditEntry)} >= {"proposal.publish", "proposal.respond"}


def test_hide_reason_visible_to_author_only(client, departments):
    author = make_user()
    proposal = make_proposal(author, publish=False)
    staff = make_staff()
    assert client.post(f"/api/v1/staff/proposals/{proposal.id}/hide", json={}, headers=bearer(staff)).status_code == 422
    hidden = client.post(f"/api/v1/staff/proposals/{proposal.id}/hide", json={"reason": "광고성 내용"},
                         headers=bearer(staff))
    assert hidden.status_code == 200 and hidden.json["status"] == "hidden"
    mine = client.get("/api/v1/proposals/mine", headers=bearer(author)).json
    assert mine[0]["hidden_reason"] == "광고성 내용"
    assert client.get(f"/api/v1/proposals/{proposal.id}", headers=bearer(make_user())).status_code == 404


def test_list_sorting_and_comments(client, departments):
    first = make_proposal(title="첫 번째 제안입니다")
    second = make_proposal(title="두 번째 제안입니다")
    service.support(make_user(), first.id)
    assert [p["id"] for p in client.get("/api/v1/proposals").json] == [second.id, first.id]
    assert [p["id"] for p in client.get("/api/v1/proposals?sort=supports").json] == [first.id, second.id]
    assert client.get("/api/v1/proposals?sort=random").status_code == 422
    writer, reader = make_user(), make_user()
    posted = client.post(f"/api/v1/proposals/{first.id}/comments", json={"body": "찬성합니다"}, headers=bearer(writer))
    assert posted.status_code == 201
    assert client.post(f"/api/v1/proposals/{first.id}/comments", json={"body": ""},
                       headers=bearer(writer)).status_code == 422
    cid = posted.json["id"]
    assert client.post(f"/api/v1/proposals/comments/{cid}/report", json={"reason": "spam"},
                       headers=bearer(reader)).status_code == 200
    staff = make_staff()
    reported = client.get("/api/v1/staff/proposals/comments/reported", headers=bearer(staff)).json
    assert [c["id"] for c in reported] == [cid]
    assert client.post(f"/api/v1/staff/proposals/comments/{cid}/hide", json={},
                       headers=bearer(staff)).status_code == 200
    assert client.get(f"/api/v1/proposals/{first.id}/comments").json == []


@pytest.fixture
def rate_limited(app_config):
    app_config.update(RATELIMIT_ENABLED=True, PARTICIPATION_VOTE_RATE_LIMIT="2/minute",
                      PARTICIPATION_SUPPORT_RATE_LIMIT="1/minute")


def test_rate_limits_on_votes_and_supports_per_account(rate_limited, client, departments):
    poll = make_poll()
    headers = bearer(make_user())
    codes = [client.post(f"/api/v1/polls/{poll.id}/vote", json={"option_id": poll.options[0].id},
                         headers=headers).status_code for _ in range(3)]
    assert codes == [201, 409, 429]
    other = client.post(f"/api/v1/polls/{poll.id}/vote", json={"option_id": poll.options[0].id},
                        headers=bearer(make_user()))
    assert other.status_code == 201   # counted per account, not shared
    proposal = make_proposal()
    supporter = bearer(make_user())
    assert client.post(f"/api/v1/proposals/{proposal.id}/support", headers=supporter).status_code == 201
    assert client.delete(f"/api/v1/proposals/{proposal.id}/support", headers=supporter).status_code == 429


def test_openapi_documents_the_participation_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/polls", "/api/v1/polls/{poll_id}/vote", "/api/v1/proposals",
                 "/api/v1/proposals/{proposal_id}/support", "/api/v1/staff/polls",
                 "/api/v1/staff/proposals/{proposal_id}/respond"):
        assert path in paths, path
    assert {"post", "delete"} <= set(paths["/api/v1/proposals/{proposal_id}/support"])
    assert {"get", "post"} <= set(paths["/api/v1/proposals"])
