"""``POST /api/v1/staff/reports/<id>/assign``: the same rules as the report page's assign form."""

from __future__ import annotations

from tests.factories import bearer, make_user
from tests.reports.conftest import file_report

EN = {"Accept-Language": "en"}


def test_staff_assign_a_report_of_their_department_through_the_api(client, catalog, db):
    from civic.audit import AuditEntry
    from civic.reports.models import Report

    report = file_report(make_user())
    citizen = make_user()
    kim = make_user("staff", department="ROADS", name="김도로")
    lee = make_user("staff", department="ROADS", name="이도로")
    parks = make_user("staff", department="PARKS", name="박공원")
    url = f"/api/v1/staff/reports/{report.id}/assign"

    done = client.post(url, json={"user": lee.id}, headers=bearer(kim))
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["id"] == report.id and body["department"] == "ROADS"
    assert body["assignee"] == {"id": lee.id, "display_name": "이도로", "email": lee.email}
    entry = db.session.query(AuditEntry).filter_by(action="report.assign", subject_id=str(report.id)).one()
    assert entry.actor_id == kim.id and entry.detail["assignee_id"] == lee.id

    # A staff member of another department: field-level problem+json, nothing changes.
    refused = client.post(url, json={"user": parks.id}, headers={**bearer(kim), **EN})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["errors"] == {"user": "Choose a staff member of the handling department."}
    missing = client.post(url, json={}, headers=bearer(kim))
    assert missing.status_code == 422 and "user" in missing.get_json()["errors"]
    # Another department's staff may not assign; citizens and anonymous callers neither.
    forbidden = client.post(url, json={"user": parks.id}, headers=bearer(parks))
    assert forbidden.status_code == 403 and forbidden.mimetype == "application/problem+json"
    assert client.post(url, json={"user": lee.id}, headers=bearer(citizen)).status_code == 403
    assert client.post(url, json={"user": lee.id}).status_code == 401
    assert client.post("/api/v1/staff/reports/999999/assign", json={"user": lee.id},
                       headers=bearer(kim)).status_code == 404
    db.session.expire_all()
    assert db.session.get(Report, report.id).assignee_id == lee.id

    # null: assigned to nobody.
    cleared = client.post(url, json={"user": None}, headers=bearer(kim))
    assert cleared.status_code == 200 and cleared.get_json()["assignee"] is None
    db.session.expire_all()
    assert db.session.get(Report, report.id).assignee_id is None


def test_openapi_documents_report_assignment(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    operation = paths["/api/v1/staff/reports/{report_id}/assign"]["post"]
    assert "application/json" in operation["requestBody"]["content"] and "200" in operation["responses"]
