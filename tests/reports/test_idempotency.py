"""Request decoding on the report faces: ``attribute[...]`` one way everywhere, and the API's
``Idempotency-Key`` with the same guarantee as the forms' ``client_token``."""

from werkzeug.datastructures import MultiDict

from civic.reports import maps
from civic.reports.catalogue import attributes_from_form
from civic.reports.models import MapPoint, Report, ReportUpdate
from tests.factories import bearer, make_user
from tests.reports.conftest import GANGNAM, JONGNO


def test_attribute_fields_are_read_one_way():
    form = MultiDict([("attribute[SIZE]", "medium"), ("attribute[KINDS]", "a"), ("attribute[KINDS]", "b"),
                      ("attribute[EMPTY]", ""), ("description", "x")])
    assert attributes_from_form(form) == {"SIZE": "medium", "KINDS": ["a", "b"]}


def report_body(**extra):
    return {"service_code": "flooding", "lat": JONGNO[0], "lon": JONGNO[1], "description": "Drain blocked",
            **extra}


def test_the_same_key_returns_the_same_report(client, db, catalog):
    user = make_user()
    headers = {**bearer(user), "Idempotency-Key": "3f0c2d4e-report-1"}
    first = client.post("/api/v1/reports", headers=headers, json=report_body())
    again = client.post("/api/v1/reports", headers=headers, json=report_body())
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    assert first.headers["Location"] == again.headers["Location"]
    assert db.session.query(Report).count() == 1
    # Without a key, or with another one, every request files a report.
    assert client.post("/api/v1/reports", headers=bearer(user), json=report_body()).status_code == 201
    other = client.post("/api/v1/reports", headers={**bearer(user), "Idempotency-Key": "k2"}, json=report_body())
    assert other.status_code == 201 and db.session.query(Report).count() == 3


def test_the_same_key_with_another_body_or_account_is_refused(client, db, catalog):
    user = make_user()
    headers = {**bearer(user), "Idempotency-Key": "report-key"}
    assert client.post("/api/v1/reports", headers=headers, json=report_body()).status_code == 201
    changed = client.post("/api/v1/reports", headers=headers, json=report_body(description="Something else"))
    assert changed.status_code == 409 and changed.mimetype == "application/problem+json"
    moved = client.post("/api/v1/reports", headers=headers, json=report_body(lat=GANGNAM[0], lon=GANGNAM[1]))
    assert moved.status_code == 409
    someone_else = client.post("/api/v1/reports", headers={**bearer(make_user()), "Idempotency-Key": "report-key"},
                               json=report_body())
    assert someone_else.status_code == 409
    assert db.session.query(Report).count() == 1


def test_a_malformed_key_is_a_validation_error(client, catalog):
    response = client.post("/api/v1/reports", headers={**bearer(make_user()), "Idempotency-Key": "x" * 65},
                           json=report_body())
    assert response.status_code == 422 and "Idempotency-Key" in response.get_json()["errors"]


def test_multipart_attributes_reach_the_report(client, catalog):
    response = client.post("/api/v1/reports", headers=bearer(make_user()), content_type="multipart/form-data",
                           data={"service_code": "pothole", "lat": str(GANGNAM[0]), "lon": str(GANGNAM[1]),
                                 "attribute[SIZE]": "medium"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["properties"]["attributes"] == {"SIZE": "medium"}


def test_openapi_documents_the_idempotency_key(client, catalog):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/reports", "/api/v1/petitions", "/api/v1/maps/{slug}/points"):
        parameters = spec["paths"][path]["post"].get("parameters", [])
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters), path


def test_the_same_key_creates_one_map_point_and_answers_the_same_body(client, db, catalog):
    maps.create_map(make_user(), "ramps", "Ramps", "", ["ramp", "toilet"])
    point = {"category": "ramp", "name": "Ramp at the library", "lat": JONGNO[0], "lon": JONGNO[1]}
    headers = {**bearer(make_user()), "Idempotency-Key": "point-key-1"}
    first = client.post("/api/v1/maps/ramps/points", headers=headers, json=point)
    again = client.post("/api/v1/maps/ramps/points", headers=headers, json=point)
    assert first.status_code == again.status_code == 201, first.get_json()
    assert first.get_json() == again.get_json()
    assert db.session.query(MapPoint).count() == 1
    moved = client.post("/api/v1/maps/ramps/points", headers=headers, json={**point, "lat": GANGNAM[0]})
    assert moved.status_code == 409 and moved.mimetype == "application/problem+json"
    renamed = client.post("/api/v1/maps/ramps/points", headers=headers, json={**point, "name": "Another"})
    assert renamed.status_code == 409
    someone_else = client.post("/api/v1/maps/ramps/points", json=point,
                               headers={**bearer(make_user()), "Idempotency-Key": "point-key-1"})
    assert someone_else.status_code == 409
    assert db.session.query(MapPoint).count() == 1


def test_the_same_key_posts_one_staff_update(client, db, catalog):
    from tests.reports.conftest import file_report

    report = file_report(make_user())
    staff = make_user("staff", department="ROADS")
    path = f"/api/v1/reports/{report.id}/updates"
    headers = {**bearer(staff), "Idempotency-Key": "update-key-1"}
    update = {"status": "acknowledged", "text": "Seen"}
    first = client.post(path, headers=headers, json=update)
    again = client.post(path, headers=headers, json=update)
    assert first.status_code == again.status_code == 201, first.get_json()
    assert first.get_json() == again.get_json()
    assert len(first.get_json()["properties"]["updates"]) == 1
    changed = client.post(path, headers=headers, json={"text": "Fixed it"})
    assert changed.status_code == 409 and changed.mimetype == "application/problem+json"
    assert db.session.query(ReportUpdate).count() == 1
