"""Open311 GeoReport v2 against the specification: both formats, errors, filters.

The spec's own XML examples and JSON schemas are kept in ``open311_spec/`` and used to check
element names and JSON field types."""

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from civic.accounts.service import create_api_client
from civic.db import unit_of_work
from civic.reports import handling, service
from tests.factories import make_user
from tests.reports.conftest import GANGNAM, JONGNO, file_report, png_bytes

SPEC = Path(__file__).parent / "open311_spec"
TYPES = {"string": str, "number": (int, float), "boolean": bool, "integer": int, "null": type(None),
         "array": list, "object": dict}


def check_schema(item: dict, name: str) -> None:
    """The subset of JSON Schema the GeoReport schemas use: required, properties, type, anyOf, enum."""
    schema = json.loads((SPEC / f"{name}.schema.json").read_text())
    assert set(schema["required"]) <= set(item), f"missing {set(schema['required']) - set(item)}"
    assert set(item) <= set(schema["properties"]), f"unknown {set(item) - set(schema['properties'])}"
    for key, value in item.items():
        rule = schema["properties"][key]
        options = rule.get("anyOf", [rule])
        assert any(isinstance(value, TYPES[o["type"]]) and not (o["type"] == "number" and isinstance(value, bool))
                   for o in options if "type" in o), f"{key}={value!r}"
        if "enum" in rule:
            assert value in rule["enum"]


def spec_children(filename: str, path: str) -> list[str]:
    text = (SPEC / filename).read_text()
    if filename.endswith(".http"):
        text = text.split("\n\n", 1)[1]
    root = etree.fromstring(text.strip().encode())
    return [child.tag for child in root.find(path) if isinstance(child.tag, str)] if path else [root.tag]


def xml(response):
    assert response.content_type.startswith("text/xml")
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return etree.fromstring(response.data)


@pytest.fixture
def api_key(catalog):
    return create_api_client("120 call centre")[1]


@pytest.fixture
def reports(catalog):
    user = make_user(email="reporter@example.org")
    a = file_report(user, description="Hole by the crossing", photos=[io.BytesIO(png_bytes())])
    b = file_report(user, "fallen_tree", point=JONGNO)
    handling.post_update(make_user("staff", department="PARKS"), b, "Tree removed.", "closed", "fixed")
    return a, b


def test_discovery_in_both_formats(client):
    data = client.get("/open311/v2/discovery.json").get_json()
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_service_list_matches_the_spec(client, catalog):
    data = client.get("/open311/v2/services.json?locale=en").get_json()
    pothole = next(s for s in data if s["service_code"] == "pothole")
    for item in data:
        check_schema(item, "service")
    assert pothole["service_name"] == "Pothole" and pothole["metadata"] is True
    assert next(s for s in data if s["service_code"] == "flooding")["metadata"] is False
    korean = client.get("/open311/v2/services.json").get_json()
    assert next(s for s in korean if s["service_code"] == "pothole")["service_name"] == "도로 파손(포트홀)"
    root = xml(client.get("/open311/v2/services.xml"))
    assert root.tag == "services" and {c.tag for c in root} == {"service"}
    assert set(c.tag for c in root[0]) == set(spec_children("service-list.xml", "service"))
    assert root.find("service[service_code='pothole']/metadata").text == "true"


def test_service_definition_matches_the_spec(client, catalog):
    data = client.get("/open311/v2/services/pothole.json?locale=en").get_json()
    check_schema(data, "service-definition")
    size = data["attributes"][0]
    assert size["code"] == "SIZE" and size["datatype"] == "singlevaluelist" and size["required"] is True
    assert size["values"][0] == {"key": "small", "name": "Smaller than a hand"}
    root = xml(client.get("/open311/v2/services/pothole.xml"))
    assert root.tag == "service_definition"
    assert [c.tag for c in root.find("attributes/attribute")] == spec_children(
        "service-definition.xml", "attributes/attribute")
    assert [c.tag for c in root.find("attributes/attribute/values/value")] == ["key", "name"]


def test_unknown_service_is_a_404_error_array(client, catalog):
    response = client.get("/open311/v2/services/teleporter.json")
    assert response.status_code == 404
    assert response.get_json()[0]["code"] == 404 and "teleporter" in response.get_json()[0]["description"]
    root = xml(client.get("/open311/v2/services/teleporter.xml"))
    assert root.tag == "errors" and [c.tag for c in root[0]] == ["code", "description"]
    assert spec_children("errors.xml.http", "error") == ["code", "description"]


def test_requests_match_the_spec_and_hide_contact_data(client, reports):
    a, b = reports
    data = client.get("/open311/v2/requests.json?locale=en").get_json()
    assert [r["service_request_id"] for r in data] == [str(b.id), str(a.id)]
    for item in data:
        check_schema(item, "request")
    closed, open_ = data
    assert closed["status"] == "closed" and closed["status_notes"] == "Tree removed."
    assert open_["status"] == "open" and open_["lat"] == pytest.approx(GANGNAM[0]) and "long" in open_
    assert open_["agency_responsible"] == "Road Management Division"
    assert open_["requested_datetime"].endswith("+09:00")
    assert open_["media_url"].startswith("http://localhost/reports/photos/")
    assert "reporter@example.org" not in json.dumps(data)
    root = xml(client.get("/open311/v2/requests.xml"))
    assert root.tag == "service_requests"
    assert [c.tag for c in root[0]] == spec_children("service-requests.xml", "request")
    assert root.find("request/zipcode").text is None


def test_request_by_id_and_404(client, reports):
    a, _ = reports
    data = client.get(f"/open311/v2/requests/{a.id}.json").get_json()
    assert len(data) == 1 and data[0]["service_request_id"] == str(a.id)
    root = xml(client.get(f"/open311/v2/requests/{a.id}.xml"))
    assert root.find("request/service_code").text == "pothole"
    missing = client.get("/open311/v2/requests/99999.xml")
    assert missing.status_code == 404 and xml(missing).find("error/code").text == "404"


def test_request_filters(client, reports, db):
    a, b = reports
    ids = client.get(f"/open311/v2/requests.json?service_request_id={a.id},{b.id}").get_json()
    assert {r["service_request_id"] for r in ids} == {str(a.id), str(b.id)}
    assert [r["service_request_id"] for r in client.get(
        "/open311/v2/requests.json?status=closed").get_json()] == [str(b.id)]
    assert [r["service_request_id"] for r in client.get(
        "/open311/v2/requests.json?status=open&service_code=pothole,flooding").get_json()] == [str(a.id)]
    assert client.get("/open311/v2/requests.json?service_code=flooding").get_json() == []
    # Default window: the last 90 days.
    with unit_of_work():
        b.created_at = datetime.now(UTC) - timedelta(days=120)
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json").get_json()] == [str(a.id)]
    old = (datetime.now(UTC) - timedelta(days=130)).isoformat()
    window = client.get("/open311/v2/requests.json", query_string={"start_date": old}).get_json()
    assert [r["service_request_id"] for r in window] == [str(b.id)]
    # An unencoded "+" offset (decoded as a space) is still understood.
    assert client.get("/open311/v2/requests.json?start_date=2020-01-01T00:00:00+09:00").status_code == 200
    # Explicit ids ignore the window.
    assert len(client.get(f"/open311/v2/requests.json?service_request_id={b.id}").get_json()) == 1


@pytest.mark.parametrize("query,field", [
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "end_date"),
    ("start_date=yesterday", "start_date"),
    ("start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z", "start_date"),
    ("status=pending", "status"),
    ("service_request_id=1,abc", "service_request_id"),
])
def test_bad_filters_are_400_error_arrays(client, catalog, query, field):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    assert response.get_json()[0]["code"] == 400 and response.get_json()[0]["description"].startswith(field)
    root = xml(client.get(f"/open311/v2/requests.xml?{query}"))
    assert root.find("error/code").text == "400"


def test_result_limit(client, catalog, app):
    user = make_user()
    for i in range(3):
        file_report(user, point=(GANGNAM[0] + i * 0.001, GANGNAM[1]))
    app.config["OPEN311_MAX_RESULTS"] = 2
    assert len(client.get("/open311/v2/requests.json").get_json()) == 2


def post(client, fmt="json", **fields):
    return client.post(f"/open311/v2/requests.{fmt}", data=fields)


def test_post_needs_a_valid_api_key(client, catalog):
    for key in (None, "key_wrong"):
        response = post(client, service_code="flooding", lat=JONGNO[0], long=JONGNO[1],
                        **({"api_key": key} if key else {}))
        assert response.status_code == 403
        message = "Invalid api_key received -- can't proceed with create_request."
        assert response.get_json() == [{"code": 403, "description": message}]
    root = xml(post(client, "xml", api_key="nope", service_code="flooding"))
    assert root.tag == "errors" and root.find("error/code").text == "403"


def test_post_creates_a_report_and_token_lookup(client, api_key, db):
    response = client.post("/open311/v2/requests.xml", data={
        "api_key": api_key, "jurisdiction_id": "seoul.go.kr", "service_code": "pothole",
        "lat": str(GANGNAM[0]), "long": str(GANGNAM[1]), "address_string": "테헤란로 513",
        "description": "A large sinkhole", "attribute[SIZE]": "large", "attribute[ONROAD]": "yes",
        "media_url": "https://example.org/p.jpg", "email": "citizen@example.org", "first_name": "Jiwoo",
        "last_name": "Park", "phone": "010-1234-5678", "device_id": "dev1", "account_id": "acc9",
    })
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests"
    assert [c.tag for c in root[0]] == ["service_request_id", "token", "service_notice", "account_id"]
    assert set(spec_children("service-request-post.xml", "request")) <= {c.tag for c in root[0]}
    request_id, token = root.find("request/service_request_id").text, root.find("request/token").text
    report = service.get_report(request_id)
    assert report.department.code == "ROADS" and report.attributes == {"SIZE": "large", "ONROAD": "yes"}
    assert report.contact["email"] == "citizen@example.org" and report.api_client is not None
    by_token = client.get(f"/open311/v2/tokens/{token}.json").get_json()
    assert by_token == [{"service_request_id": request_id, "token": token}]
    token_xml = xml(client.get(f"/open311/v2/tokens/{token}.xml"))
    assert [c.tag for c in token_xml[0]] == spec_children("request-from-token.xml", "request")
    shown = client.get(f"/open311/v2/requests/{request_id}.json").get_data(as_text=True)
    for secret in ("citizen@example.org", "Jiwoo", "010-1234-5678", "dev1", "acc9"):
        assert secret not in shown
    assert json.loads(shown)[0]["media_url"] == "https://example.org/p.jpg"
    assert "Jiwoo" not in client.get(f"/reports/{request_id}").get_data(as_text=True)


def test_post_with_address_only(client, api_key):
    response = post(client, api_key=api_key, service_code="illegal_dumping", address_string="강남구 테헤란로 152")
    assert response.status_code == 200
    report = service.get_report(response.get_json()[0]["service_request_id"])
    assert report.lat is None and report.department.code == "GU-11680"
    shown = client.get(f"/open311/v2/requests/{report.id}.json").get_json()[0]
    assert shown["lat"] is None and shown["address"] == "강남구 테헤란로 152"


@pytest.mark.parametrize("fields,status,starts", [
    ({}, 400, "service_code"),
    ({"service_code": "teleporter", "lat": "37.5", "long": "127"}, 404, "Unknown service"),
    ({"service_code": "flooding"}, 400, "lat"),
    ({"service_code": "flooding", "lat": "95", "long": "127"}, 400, "lat"),
    ({"service_code": "flooding", "lat": "35.1", "long": "129.0"}, 400, "lat"),
    ({"service_code": "pothole", "lat": "37.5125", "long": "127.059"}, 400, "attribute[SIZE]"),
    ({"service_code": "flooding", "lat": "37.5125", "long": "127.059", "description": "x" * 4001}, 400,
     "description"),
    ({"service_code": "flooding", "lat": "37.5", "long": "127", "jurisdiction_id": "busan.go.kr"}, 404,
     "jurisdiction_id"),
])
def test_post_errors(client, api_key, fields, status, starts):
    response = post(client, api_key=api_key, **fields)
    assert response.status_code == status
    body = response.get_json()
    assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"].startswith(starts)


def test_unknown_format_is_a_json_error(client, catalog):
    response = client.get("/open311/v2/services.csv")
    assert response.status_code == 404 and response.get_json()[0]["code"] == 404


def test_post_accepts_a_media_upload_and_needs_no_csrf_token(app, client, api_key):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/open311/v2/requests.json", content_type="multipart/form-data", data={
        "api_key": api_key, "service_code": "flooding", "lat": str(JONGNO[0]), "long": str(JONGNO[1]),
        "media": (io.BytesIO(png_bytes()), "flood.png")})
    assert response.status_code == 200, response.get_data(as_text=True)
    request_id = response.get_json()[0]["service_request_id"]
    shown = client.get(f"/open311/v2/requests/{request_id}.json").get_json()[0]
    assert "/reports/photos/" in shown["media_url"]
    assert client.get(shown["media_url"].replace("http://localhost", "")).mimetype == "image/png"
    bad = client.post("/open311/v2/requests.json", content_type="multipart/form-data", data={
        "api_key": api_key, "service_code": "flooding", "lat": str(JONGNO[0]), "long": str(JONGNO[1]),
        "media": (io.BytesIO(b"<svg/>" * 50), "x.png")})
    assert bad.status_code == 400 and bad.get_json()[0]["description"].startswith("photos")
