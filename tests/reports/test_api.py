"""/api/v1 reports and maps (GeoJSON)."""

import io

from civic.reports import maps, service
from tests.factories import bearer, make_user
from tests.reports.conftest import GANGNAM, JONGNO, file_report, jpeg_with_gps, offset


def test_list_reports_as_geojson_with_filters_and_paging(client, catalog):
    user = make_user(email="secret@example.org", name="Hidden Name")
    a = file_report(user)
    b = file_report(user, "fallen_tree", point=JONGNO)
    response = client.get("/api/v1/reports?per_page=1")
    body = response.get_json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 1
    assert response.headers["X-Total-Count"] == "2" and 'rel="next"' in response.headers["Link"]
    feature = body["features"][0]
    assert feature["id"] == b.id and feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == [JONGNO[1], JONGNO[0]]
    text = client.get("/api/v1/reports").get_data(as_text=True)
    assert "secret@example.org" not in text and "Hidden Name" not in text and "reporter" not in text
    only = client.get("/api/v1/reports?service_code=pothole").get_json()["features"]
    assert [f["id"] for f in only] == [a.id]
    bbox = f"{GANGNAM[1] - 0.01},{GANGNAM[0] - 0.01},{GANGNAM[1] + 0.01},{GANGNAM[0] + 0.01}"
    assert [f["id"] for f in client.get(f"/api/v1/reports?bbox={bbox}").get_json()["features"]] == [a.id]
    bad = client.get("/api/v1/reports?bbox=1,2,3")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json" and "bbox" in bad.get_json()["errors"]
    # The same size cap as /places: a box of the whole city and more is refused.
    too_large = client.get("/api/v1/reports?bbox=126,37,127.5,38")
    assert too_large.status_code == 422 and "bbox" in too_large.get_json()["errors"]
    assert client.get("/api/v1/reports?status=pending").status_code == 422


def test_create_report_with_json_and_multipart(client, catalog):
    user = make_user()
    headers = bearer(user)
    assert client.post("/api/v1/reports", json={"service_code": "flooding"}).status_code == 401
    response = client.post("/api/v1/reports", headers=headers, json={
        "service_code": "flooding", "lat": JONGNO[0], "lon": JONGNO[1], "description": "Drain blocked"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["properties"]["department"] == "WATER"
    assert response.headers["Location"].endswith(f"/api/v1/reports/{response.get_json()['id']}")
    response = client.post("/api/v1/reports", headers=headers, content_type="multipart/form-data", data={
        "service_code": "pothole", "lat": str(GANGNAM[0]), "lon": str(GANGNAM[1]), "attribute[SIZE]": "medium",
        "photos": [(io.BytesIO(jpeg_with_gps()), "a.jpg"), (io.BytesIO(jpeg_with_gps()), "b.jpg")]})
    assert response.status_code == 201, response.get_json()
    photos = response.get_json()["properties"]["photos"]
    assert len(photos) == 2
    image = client.get(photos[0]["url"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg" and b"Secret Phone" not in image.data
    assert client.get(photos[0]["thumbnail_url"]).mimetype == "image/jpeg"
    bad = client.post("/api/v1/reports", headers=headers, content_type="multipart/form-data", data={
        "service_code": "flooding", "lat": str(GANGNAM[0]), "lon": str(GANGNAM[1]),
        "photos": [(io.BytesIO(b"not an image at all" * 10), "x.jpg")]})
    assert bad.status_code == 422 and "photos" in bad.get_json()["errors"]
    missing = client.post("/api/v1/reports", headers=headers, json={"lat": 37.5})
    assert missing.status_code == 422 and "service_code" in missing.get_json()["errors"]


def test_duplicates_follow_and_staff_updates(client, catalog):
    reporter, neighbour = make_user(), make_user()
    report = file_report(reporter)
    near = offset(GANGNAM, north_m=20)
    dupes = client.get(f"/api/v1/reports/duplicates?service_code=pothole&lat={near[0]}&lon={near[1]}").get_json()
    assert [f["id"] for f in dupes["features"]] == [report.id]
    assert client.get(f"/api/v1/reports/duplicates?service_code=flooding&lat={near[0]}&lon={near[1]}"
                      ).get_json()["features"] == []
    assert client.post(f"/api/v1/reports/{report.id}/follow", headers=bearer(neighbour)).status_code == 204
    assert service.is_following(neighbour, service.get_report(report.id))
    update = {"status": "acknowledged", "text": "Seen"}
    refused = client.post(f"/api/v1/reports/{report.id}/updates", headers=bearer(neighbour), json=update)
    assert refused.status_code == 403
    staff = make_user("staff", department="ROADS")
    response = client.post(f"/api/v1/reports/{report.id}/updates", headers=bearer(staff), json=update)
    assert response.status_code == 201
    detail = client.get(f"/api/v1/reports/{report.id}").get_json()
    assert detail["properties"]["status"] == "acknowledged"
    assert detail["properties"]["updates"] == [{"created_at": detail["properties"]["updates"][0]["created_at"],
                                                "text": "Seen", "status": "acknowledged", "close_reason": None}]
    assert client.get("/api/v1/reports/9999").status_code == 404


def test_maps_api(client, catalog):
    owner, other = make_user(), make_user()
    cmap = maps.create_map(owner, "wheelchair", "Wheelchair places", "Step-free places", ["ramp", "toilet"])
    maps.add_point(owner, cmap, category="ramp", name="Ramp", lat=GANGNAM[0], lon=GANGNAM[1])
    listing = client.get("/api/v1/maps")
    assert listing.get_json()[0]["slug"] == "wheelchair" and listing.headers["X-Total-Count"] == "1"
    data = client.get("/api/v1/maps/wheelchair").get_json()
    assert data["type"] == "FeatureCollection" and data["properties"]["categories"] == ["ramp", "toilet"]
    response = client.post("/api/v1/maps/wheelchair/points", headers=bearer(other),
                           json={"category": "toilet", "name": "Accessible toilet", "lat": JONGNO[0], "lon": JONGNO[1]})
    assert response.status_code == 201 and response.get_json()["properties"]["state"] == "pending"
    assert len(client.get("/api/v1/maps/wheelchair").get_json()["features"]) == 1
    bad = client.post("/api/v1/maps/wheelchair/points", headers=bearer(other),
                      json={"category": "toilet", "name": "x", "lat": 200, "lon": 0})
    assert bad.status_code == 422
    assert client.get("/api/v1/maps/nope").status_code == 404


def test_openapi_documents_the_endpoints(client, catalog):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/reports", "/api/v1/reports/{report_id}", "/api/v1/reports/duplicates",
                 "/api/v1/maps", "/api/v1/maps/{slug}", "/api/v1/maps/{slug}/points", "/api/v1/report-services"):
        assert path in paths
    assert "multipart/form-data" in paths["/api/v1/reports"]["post"]["requestBody"]["content"]
