"""Proposals, comments and polls take the API's ``Idempotency-Key`` like every creation endpoint
(``civic.idempotency``): a resend returns the first resource, a changed body or another account is
refused with 409."""

from civic.participation.models import Proposal, ProposalComment
from tests.factories import bearer, make_user
from tests.participation.builders import make_proposal

PROPOSAL = {"title": "Shade over bus stops", "category": "transport",
            "body": "People wait for buses in the summer sun for a long time; please add shades."}


def test_the_same_key_creates_one_proposal_and_answers_the_same_body(client, db, departments):
    author = make_user()
    headers = {**bearer(author), "Idempotency-Key": "proposal-key-1"}
    first = client.post("/api/v1/proposals", json=PROPOSAL, headers=headers)
    again = client.post("/api/v1/proposals", json=PROPOSAL, headers=headers)
    assert first.status_code == again.status_code == 201, first.json
    assert first.json == again.json
    assert db.session.query(Proposal).count() == 1
    other_key = client.post("/api/v1/proposals", json=PROPOSAL, headers={**bearer(author), "Idempotency-Key": "k2"})
    assert other_key.status_code == 201 and db.session.query(Proposal).count() == 2


def test_the_same_key_with_another_proposal_or_account_is_refused(client, db, departments):
    headers = {**bearer(make_user()), "Idempotency-Key": "proposal-key-2"}
    assert client.post("/api/v1/proposals", json=PROPOSAL, headers=headers).status_code == 201
    changed = client.post("/api/v1/proposals", json={**PROPOSAL, "title": "Another title"}, headers=headers)
    assert changed.status_code == 409 and changed.mimetype == "application/problem+json"
    someone_else = client.post("/api/v1/proposals", json=PROPOSAL,
                               headers={**bearer(make_user()), "Idempotency-Key": "proposal-key-2"})
    assert someone_else.status_code == 409
    malformed = client.post("/api/v1/proposals", json=PROPOSAL, headers={**headers, "Idempotency-Key": "a b"})
    assert malformed.status_code == 422 and "Idempotency-Key" in malformed.json["errors"]
    assert db.session.query(Proposal).count() == 1


def test_the_same_key_creates_one_comment_and_answers_the_same_body(client, db, departments):
    proposal = make_proposal()
    path = f"/api/v1/proposals/{proposal.id}/comments"
    headers = {**bearer(make_user()), "Idempotency-Key": "comment-key-1"}
    first = client.post(path, json={"body": "Good idea."}, headers=headers)
    again = client.post(path, json={"body": "Good idea."}, headers=headers)
    assert first.status_code == again.status_code == 201, first.json
    assert first.json == again.json
    assert db.session.query(ProposalComment).count() == 1
    changed = client.post(path, json={"body": "Bad idea."}, headers=headers)
    assert changed.status_code == 409 and changed.mimetype == "application/problem+json"
    elsewhere = client.post(f"/api/v1/proposals/{make_proposal().id}/comments", json={"body": "Good idea."},
                            headers=headers)
    assert elsewhere.status_code == 409
    someone_else = client.post(path, json={"body": "Good idea."},
                               headers={**bearer(make_user()), "Idempotency-Key": "comment-key-1"})
    assert someone_else.status_code == 409
    assert db.session.query(ProposalComment).count() == 1
    without_key = client.post(path, json={"body": "Good idea."}, headers=bearer(make_user()))
    assert without_key.status_code == 201 and db.session.query(ProposalComment).count() == 2


def test_openapi_documents_the_key(client, departments):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/proposals", "/api/v1/proposals/{proposal_id}/comments", "/api/v1/staff/polls",
                 "/api/v1/reports/{report_id}/updates", "/api/v1/staff/petitions/{receipt_no}/notes"):
        parameters = spec["paths"][path]["post"].get("parameters", [])
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters), path


def test_the_same_key_creates_one_poll(client, db, departments):
    from civic.participation.models import Poll
    from tests.participation.builders import make_staff

    body = {"question": "심야버스 노선을 늘릴까요?", "options": ["예", "아니요"],
            "opens_at": "2030-03-01T09:00:00", "closes_at": "2030-03-08T18:00:00+09:00"}
    staff = make_staff()
    headers = {**bearer(staff), "Idempotency-Key": "poll-key-1"}
    first = client.post("/api/v1/staff/polls", json=body, headers=headers)
    again = client.post("/api/v1/staff/polls", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.json
    assert first.json == again.json
    later = client.post("/api/v1/staff/polls", json={**body, "closes_at": "2030-03-09T18:00:00+09:00"},
                        headers=headers)
    assert later.status_code == 409 and later.mimetype == "application/problem+json"
    colleague = client.post("/api/v1/staff/polls", json=body,
                            headers={**bearer(make_staff()), "Idempotency-Key": "poll-key-1"})
    assert colleague.status_code == 409
    assert db.session.query(Poll).count() == 1
