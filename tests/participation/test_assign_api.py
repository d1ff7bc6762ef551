"""``POST /api/v1/staff/proposals/<id>/assign``: the same rules as the proposal staff page's form."""

from __future__ import annotations

from civic.participation import service
from tests.factories import bearer, make_user
from tests.participation.builders import make_proposal

EN = {"Accept-Language": "en"}


def test_staff_assign_a_proposal_under_review_through_the_api(app, client, departments, db, monkeypatch):
    from civic.audit import AuditEntry
    from civic.participation.models import Proposal

    monkeypatch.setitem(app.config, "PROPOSAL_SUPPORT_THRESHOLD", 1)
    proposal = make_proposal(category="parks", title="공원 벤치를 늘려 주세요")
    service.support(make_user(), proposal.id)
    draft = make_proposal(category="parks", title="산책로 조명을 밝혀 주세요")
    kim = make_user("staff", department="PARKS", name="김공원")
    lee = make_user("staff", department="PARKS", name="이공원")
    roads = make_user("staff", department="ROADS", name="최도로")
    url = f"/api/v1/staff/proposals/{proposal.id}/assign"

    done = client.post(url, json={"user": lee.id}, headers=bearer(kim))
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["id"] == proposal.id and body["status"] == "under_review"
    assert body["assignee"] == {"id": lee.id, "display_name": "이공원", "email": lee.email}
    entry = db.session.query(AuditEntry).filter_by(action="proposal.assign").one()
    assert entry.actor_id == kim.id and entry.detail["assignee_id"] == lee.id

    refused = client.post(url, json={"user": roads.id}, headers={**bearer(kim), **EN})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"] == {"user": "Choose a staff member of the handling department."}
    assert client.post(url, json={"user": "someone"}, headers=bearer(kim)).get_json()["errors"].keys() == {"user"}
    forbidden = client.post(url, json={"user": roads.id}, headers=bearer(roads))
    assert forbidden.status_code == 403 and forbidden.mimetype == "application/problem+json"
    assert client.post(url, json={"user": lee.id}, headers=bearer(make_user())).status_code == 403
    assert client.post(url, json={"user": lee.id}).status_code == 401
    # Only proposals under review have someone preparing the response.
    assert client.post(f"/api/v1/staff/proposals/{draft.id}/assign", json={"user": lee.id},
                       headers=bearer(kim)).status_code == 409
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).assignee_id == lee.id

    cleared = client.post(url, json={"user": None}, headers=bearer(kim))
    assert cleared.status_code == 200 and cleared.get_json()["assignee"] is None


def test_openapi_documents_proposal_assignment(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    operation = paths["/api/v1/staff/proposals/{proposal_id}/assign"]["post"]
    assert "application/json" in operation["requestBody"]["content"] and "200" in operation["responses"]
