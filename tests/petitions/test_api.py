"""The JSON faces: lifecycle, visibility of every endpoint, staff permissions, OpenAPI."""

from __future__ import annotations

import io

import pytest

from tests.factories import bearer
from tests.petitions.conftest import file, png_bytes


@pytest.fixture
def auth(people):
    return {name: bearer(getattr(people, name)) for name in
            ("citizen", "other_citizen", "staff", "colleague", "outsider", "dept_admin", "admin")}


def test_types_and_departments_are_public(client, petition_types):
    types = client.get("/api/v1/petitions/types").get_json()
    parks = next(t for t in types if t["code"] == "parks")
    assert parks["department"]["code"] == "PARKS" and parks["deadline_days"] == 7
    assert client.get("/api/v1/departments").status_code == 200


def test_file_follow_and_list(client, auth):
    response = client.post("/api/v1/petitions", json={"type": "parks", "title": "Broken swing",
                                                      "body": "The swing chain is broken."},
                           headers=auth["citizen"])
    assert response.status_code == 201
    data = response.get_json()
    assert set(data) >= {"receipt_no", "status", "department", "due_at"}
    assert data["status"] == "received" and data["department"]["code"] == "PARKS"
    assert response.headers["Location"].endswith(data["receipt_no"])
    receipt = data["receipt_no"]
    assert client.get(f"/api/v1/petitions/{receipt}", headers=auth["citizen"]).get_json()["title"] == "Broken swing"
    mine = client.get("/api/v1/petitions/mine", headers=auth["citizen"])
    assert [p["receipt_no"] for p in mine.get_json()] == [receipt] and mine.headers["X-Total-Count"] == "1"
    assert client.get("/api/v1/petitions/mine", headers=auth["other_citizen"]).get_json() == []
    assert client.get("/api/v1/petitions/mine").status_code == 401
    assert client.post("/api/v1/petitions", json={"type": "parks"}).status_code == 401


def test_filing_errors_are_problem_json(client, auth):
    response = client.post("/api/v1/petitions", json={"type": "parks", "title": "", "body": "x",
                                                      "lat": 91, "lon": 0}, headers=auth["citizen"])
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {"title", "lat"} <= set(response.get_json()["errors"])
    response = client.post("/api/v1/petitions", json={"title": "t"}, headers=auth["citizen"])
    assert response.status_code == 422 and "type" in response.get_json()["errors"]


def test_multipart_filing_with_attachments(client, auth, people):
    data = {"type": "parks", "title": "Fallen tree", "body": "Blocking the path.",
            "attachments": [(io.BytesIO(png_bytes()), "a.png"), (io.BytesIO(png_bytes("red")), "b.png")]}
    response = client.post("/api/v1/petitions", data=data, content_type="multipart/form-data",
                           headers=auth["citizen"])
    assert response.status_code == 201, response.get_json()
    photos = response.get_json()["attachments"]
    assert len(photos) == 2
    assert client.get(photos[0]["url"], headers=auth["citizen"]).mimetype == "image/png"
    assert client.get(photos[0]["thumb_url"], headers=auth["staff"]).status_code == 200
    for who in ("other_citizen", "outsider"):
        assert client.get(photos[0]["url"], headers=auth[who]).status_code == 404
    assert client.get(photos[0]["url"]).status_code == 404


def test_visibility_matrix_on_every_citizen_endpoint(client, auth, people):
    receipt = file(people.citizen).receipt_no
    url = f"/api/v1/petitions/{receipt}"
    for who in ("citizen", "staff", "dept_admin", "admin"):
        assert client.get(url, headers=auth[who]).status_code == 200, who
    for headers in (auth["other_citizen"], auth["outsider"], {}):
        assert client.get(url, headers=headers).status_code == 404
        assert client.post(url + "/withdraw", json={}, headers=headers).status_code == 404
        assert client.post(url + "/rating", json={"score": 5}, headers=headers).status_code == 404
    # Unknown and foreign numbers answer the same.
    assert client.get("/api/v1/petitions/2026-999999", headers=auth["citizen"]).status_code == 404


def test_staff_endpoints_permissions(client, auth, people):
    receipt = file(people.citizen).receipt_no
    base = f"/api/v1/staff/petitions/{receipt}"
    calls = [
        ("get", base, None), ("get", base + "/audit", None),
        ("post", base + "/assign", {"user": people.staff.id}), ("post", base + "/status", {"status": "in_progress"}),
        ("post", base + "/transfer", {"department": "ROADS", "reason": "x"}),
        ("post", base + "/notes", {"body": "n"}), ("post", base + "/answer", {"body": "a"}),
    ]
    for method, url, body in calls:
        kwargs = {"json": body} if body is not None else {}
        assert getattr(client, method)(url, headers=auth["outsider"], **kwargs).status_code == 404, url
        assert getattr(client, method)(url, headers=auth["citizen"], **kwargs).status_code == 403, url
        assert getattr(client, method)(url, **kwargs).status_code == 401, url
    assert client.get("/api/v1/staff/petitions", headers=auth["citizen"]).status_code == 403
    assert client.post("/api/v1/staff/petitions/bulk-assign", json={"receipt_nos": [receipt], "user": 1},
                       headers=auth["outsider"]).status_code == 404
    assert client.get("/api/v1/staff/petitions/workload", headers=auth["staff"]).status_code == 403


def test_staff_lifecycle(client, auth, people):
    receipt = file(people.citizen).receipt_no
    base = f"/api/v1/staff/petitions/{receipt}"
    queue = client.get("/api/v1/staff/petitions?status=received", headers=auth["staff"])
    assert [p["receipt_no"] for p in queue.get_json()] == [receipt]
    assert client.get("/api/v1/staff/petitions", headers=auth["outsider"]).get_json() == []
    detail = client.get(base, headers=auth["staff"]).get_json()
    assert detail["petitioner"]["email"] == "citizen@example.org" and detail["notes"] == []

    assigned = client.post(base + "/assign", json={"user": people.colleague.id}, headers=auth["staff"])
    assert assigned.get_json()["status"] == "assigned"
    assert client.post(base + "/assign", json={"user": people.outsider.id}, headers=auth["staff"]).status_code == 422
    assert client.post(base + "/status", json={"status": "closed"}, headers=auth["staff"]).status_code == 409
    assert client.post(base + "/status", json={"status": "in_progress"},
                       headers=auth["colleague"]).get_json()["status"] == "in_progress"
    note = client.post(base + "/notes", json={"body": "Called the park office"}, headers=auth["colleague"])
    assert note.status_code == 201
    # The citizen never sees notes.
    citizen_view = client.get(f"/api/v1/petitions/{receipt}", headers=auth["citizen"]).get_json()
    assert "Called the park office" not in str(citizen_view)
    answer = client.post(base + "/answer", data={"body": "Repaired today.",
                                                 "attachments": [(io.BytesIO(png_bytes()), "after.png")]},
                         content_type="multipart/form-data", headers=auth["colleague"])
    assert answer.status_code == 200 and answer.get_json()["status"] == "answered"
    citizen_view = client.get(f"/api/v1/petitions/{receipt}", headers=auth["citizen"]).get_json()
    assert citizen_view["answer"]["body"] == "Repaired today." and len(citizen_view["answer"]["attachments"]) == 1
    assert client.post(f"/api/v1/petitions/{receipt}/withdraw", json={}, headers=auth["citizen"]).status_code == 409
    rated = client.post(f"/api/v1/petitions/{receipt}/rating", json={"score": 5, "comment": "Great"},
                        headers=auth["citizen"])
    assert rated.get_json()["rating"] == 5
    assert client.post(base + "/status", json={"status": "closed"},
                       headers=auth["colleague"]).get_json()["status"] == "closed"
    actions = [e["action"] for e in client.get(base + "/audit", headers=auth["dept_admin"]).get_json()]
    assert actions == ["petition.view", "petition.assign", "petition.status", "petition.note",
                       "petition.answer", "petition.status"]
    timeline = [e["kind"] for e in citizen_view["timeline"]]
    assert timeline == ["received", "assigned", "status", "answered"]


def test_transfer_via_api(client, auth, people):
    receipt = file(people.citizen).receipt_no
    base = f"/api/v1/staff/petitions/{receipt}"
    missing = client.post(base + "/transfer", json={"department": "ROADS"}, headers=auth["staff"])
    assert missing.status_code == 422 and "reason" in missing.get_json()["errors"]
    done = client.post(base + "/transfer", json={"department": "ROADS", "reason": "Road matter"},
                       headers=auth["staff"])
    assert done.status_code == 200 and done.get_json()["department"]["code"] == "ROADS"
    assert client.get(base, headers=auth["staff"]).status_code == 404
    assert client.get(base, headers=auth["outsider"]).status_code == 200
    timeline = client.get(f"/api/v1/petitions/{receipt}", headers=auth["citizen"]).get_json()["timeline"]
    assert timeline[-1]["kind"] == "transferred" and timeline[-1]["body"] == "Road matter"


def test_withdraw_via_api(client, auth, people):
    receipt = file(people.citizen).receipt_no
    response = client.post(f"/api/v1/petitions/{receipt}/withdraw", json={"reason": "Solved"},
                           headers=auth["citizen"])
    assert response.get_json()["status"] == "withdrawn"


def test_queue_filters_counts_and_bulk_assign(client, auth, people):
    first, second = file(people.citizen), file(people.citizen, district="11110")
    response = client.get("/api/v1/staff/petitions?district=11110&sort=-due", headers=auth["staff"])
    assert [p["receipt_no"] for p in response.get_json()] == [second.receipt_no]
    assert client.get("/api/v1/staff/petitions?sort=sideways", headers=auth["staff"]).status_code == 422
    done = client.post("/api/v1/staff/petitions/bulk-assign",
                       json={"receipt_nos": [first.receipt_no, second.receipt_no], "user": people.staff.id},
                       headers=auth["staff"])
    assert [p["status"] for p in done.get_json()] == ["assigned", "assigned"]
    counts = client.get("/api/v1/staff/petitions/counts", headers=auth["staff"]).get_json()["counts"]
    assert counts["assigned"] == 2 and counts["overdue"] == 0
    mine = client.get("/api/v1/staff/petitions?assignee=me&per_page=1", headers=auth["staff"])
    assert mine.headers["X-Total-Count"] == "2" and 'rel="next"' in mine.headers["Link"]
    load = client.get("/api/v1/staff/petitions/workload", headers=auth["dept_admin"]).get_json()
    assert load["department"] == "PARKS" and load["assignees"][0]["open"] == 2
    assert client.get("/api/v1/staff/petitions?department=PARKS", headers=auth["admin"]).headers[
        "X-Total-Count"] == "2"


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/petitions", "/api/v1/petitions/mine", "/api/v1/petitions/{receipt_no}",
                 "/api/v1/petitions/types", "/api/v1/staff/petitions", "/api/v1/staff/petitions/{receipt_no}/assign",
                 "/api/v1/staff/petitions/{receipt_no}/transfer", "/api/v1/staff/petitions/{receipt_no}/audit"):
        assert path in paths, path
    content = paths["/api/v1/petitions"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)


def test_no_personal_data_in_logs(client, auth, people, caplog):
    caplog.set_level("DEBUG")
    body = {"type": "parks", "title": "Secret title", "body": "My address is 12 Secret-ro",
            "contact_preference": "phone", "contact_phone": "010-1234-5678"}
    response = client.post("/api/v1/petitions", json=body, headers=auth["citizen"])
    receipt = response.get_json()["receipt_no"]
    client.post(f"/api/v1/staff/petitions/{receipt}/transfer", json={"department": "ROADS", "reason": "r"},
                headers=auth["staff"])
    text = caplog.text
    assert receipt in text      # the receipt number is logged, nothing that identifies the person
    for secret in ("Secret", "010-1234-5678", "citizen@example.org", "Kim Citizen"):
        assert secret not in text



def test_idempotency_key_on_filing(client, auth, people):
    from civic.extensions import db
    from civic.petitions.models import Petition

    body = {"type": "parks", "title": "Broken swing", "body": "The swing chain is broken."}
    headers = {**auth["citizen"], "Idempotency-Key": "petition-key-1"}
    first = client.post("/api/v1/petitions", json=body, headers=headers)
    again = client.post("/api/v1/petitions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["receipt_no"] == again.get_json()["receipt_no"]
    assert first.headers["Location"] == again.headers["Location"]
    changed = client.post("/api/v1/petitions", json={**body, "body": "Another problem."}, headers=headers)
    assert changed.status_code == 409 and changed.mimetype == "application/problem+json"
    other = client.post("/api/v1/petitions", json=body,
                        headers={**auth["other_citizen"], "Idempotency-Key": "petition-key-1"})
    assert other.status_code == 409
    assert db.session.query(Petition).count() == 1


def test_idempotency_key_on_staff_notes(client, auth, people):
    from civic.extensions import db
    from civic.petitions.models import PetitionEvent

    base = f"/api/v1/staff/petitions/{file(people.citizen).receipt_no}"
    headers = {**auth["staff"], "Idempotency-Key": "note-key-1"}
    first = client.post(base + "/notes", json={"body": "Called the park office"}, headers=headers)
    again = client.post(base + "/notes", json={"body": "Called the park office"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    changed = client.post(base + "/notes", json={"body": "Another note"}, headers=headers)
    assert changed.status_code == 409 and changed.mimetype == "application/problem+json"
    colleague = client.post(base + "/notes", json={"body": "Called the park office"},
                            headers={**auth["colleague"], "Idempotency-Key": "note-key-1"})
    assert colleague.status_code == 409
    assert db.session.query(PetitionEvent).filter_by(kind="note").count() == 1
