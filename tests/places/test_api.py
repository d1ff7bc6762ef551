"""/api/v1/places: GeoJSON answers and problem+json validation errors."""

import pytest

from tests.places.helpers import CITY_HALL, place


def test_nearby_is_a_feature_collection_nearest_first(client, db):
    far = place("먼 곳", lat=37.5690, lon=126.9779, phone="02-120")
    near = place("가까운 곳", lat=37.5664, lon=126.9780, hours_text="상시", attributes={"wheelchair": True})
    response = client.get(f"/api/v1/places/nearby?lat={CITY_HALL[0]}&lon={CITY_HALL[1]}&category=toilet")
    assert response.status_code == 200
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [near.id, far.id]
    first = body["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [126.978, 37.5664]}
    assert first["properties"]["distance_m"] < body["features"][1]["properties"]["distance_m"]
    assert first["properties"]["open_now"] is True
    assert first["properties"]["attributes"]["wheelchair"] is True
    assert first["properties"]["url"].endswith(f"/places/{near.id}")


def test_nearby_filters(client, db):
    place("보통", lat=37.5664, lon=126.9780)
    accessible = place("휠체어", lat=37.5670, lon=126.9780, attributes={"wheelchair": True}, hours_text="상시")
    body = client.get(f"/api/v1/places/nearby?lat={CITY_HALL[0]}&lon={CITY_HALL[1]}&attrs=wheelchair").get_json()
    assert [f["id"] for f in body["features"]] == [accessible.id]
    body = client.get(f"/api/v1/places/nearby?lat={CITY_HALL[0]}&lon={CITY_HALL[1]}&open_now=true&limit=1").get_json()
    assert [f["id"] for f in body["features"]] == [accessible.id]
    body = client.get(f"/api/v1/places/nearby?lat={CITY_HALL[0]}&lon={CITY_HALL[1]}&radius_m=10").get_json()
    assert body["features"] == []


@pytest.mark.parametrize("query, field", [
    ("lon=127", "lat"),
    ("lat=37.5", "lon"),
    ("lat=abc&lon=127", "lat"),
    ("lat=95&lon=127", "lat"),
    ("lat=37.5&lon=-181", "lon"),
    ("lat=37.5&lon=127&category=casino", "category"),
    ("lat=37.5&lon=127&limit=101", "limit"),
    ("lat=37.5&lon=127&radius_m=999999", "radius_m"),
    ("lat=37.5&lon=127&attrs=jacuzzi", "attrs"),
])
def test_nearby_validation_is_problem_json(client, db, query, field):
    response = client.get(f"/api/v1/places/nearby?{query}")
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 422 and field in body["errors"]


def test_bbox_listing_is_paginated(client, db):
    ids = [place(f"p{i}", lat=37.5660 + i * 0.0001, lon=126.9780).id for i in range(5)]
    place("약국", category="pharmacy", lat=37.5661, lon=126.9781)
    response = client.get("/api/v1/places?bbox=126.97,37.56,126.99,37.57&category=toilet&per_page=2&page=2")
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "5"
    assert 'rel="next"' in response.headers["Link"] and 'rel="prev"' in response.headers["Link"]
    assert [f["id"] for f in response.get_json()["features"]] == ids[2:4]
    everything = client.get("/api/v1/places?bbox=126.97,37.56,126.99,37.57&per_page=100").get_json()
    assert len(everything["features"]) == 6


@pytest.mark.parametrize("query, field", [
    ("", "bbox"),
    ("bbox=1,2,3", "bbox"),
    ("bbox=126,37,127.5,38", "bbox"),          # too large
    ("bbox=127,37.6,126.9,37.5", "bbox"),      # min > max
    ("bbox=126.97,37.56,126.99,37.57&per_page=101", "per_page"),
    ("bbox=126.97,37.56,126.99,37.57&category=nope", "category"),
])
def test_bbox_validation(client, db, query, field):
    response = client.get(f"/api/v1/places?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_one_place_and_404(client, db):
    created = place("시청 화장실", hours_text="09:00~18:00", phone="02-120")
    body = client.get(f"/api/v1/places/{created.id}").get_json()
    assert body["type"] == "Feature" and body["id"] == created.id
    assert body["properties"]["name"] == "시청 화장실"
    assert body["properties"]["hours"]["days"]["1"] == [[540, 1080]]
    assert "distance_m" not in body["properties"]
    missing = client.get(f"/api/v1/places/{created.id + 1}")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/places/nearby", "/api/v1/places", "/api/v1/places/{place_id}"} <= set(paths)
    params = {p["name"] for p in paths["/api/v1/places/nearby"]["get"]["parameters"]}
    assert {"lat", "lon", "category", "limit", "radius_m", "open_now", "attrs"} <= params


def test_nearby_features_equal_the_feature_of_each_place(client, db):
    """The hot path splices stored properties as text: it answers the same document as the
    object path of /places/<id> (plus distance)."""
    from civic.places.importer import import_file
    from tests.places.helpers import FIXTURES

    place("시청 앞", lat=37.5664, lon=126.9780, phone="02-2133-0001%7E6", hours_text="09:00~18:00",
          attributes={"wheelchair": True}, address="서울특별시 중구 세종대로 110")
    import_file(FIXTURES / "localdata_pharmacies_cp949.csv", "pharmacy")
    for category in ("toilet", "pharmacy"):
        body = client.get(f"/api/v1/places/nearby?lat={CITY_HALL[0]}&lon={CITY_HALL[1]}&category={category}"
                          "&radius_m=20000").get_json()
        assert body["features"]
        for feature in body["features"]:
            alone = client.get(f"/api/v1/places/{feature['id']}").get_json()
            distance = feature["properties"].pop("distance_m")
            assert distance > 0 and feature == alone
    toilet = client.get(f"/api/v1/places/nearby?lat={CITY_HALL[0]}&lon={CITY_HALL[1]}").get_json()["features"][0]
    assert toilet["properties"]["phone"] == "02-2133-0001~6" and toilet["properties"]["tel"] == "02-2133-0001"
    assert toilet["properties"]["location_precision"] == "exact"
    assert body["features"][0]["properties"]["location_precision"] == "exact"
    # Places known only to their dong are never ranked among exact ones by a made-up distance.
    import_file(FIXTURES / "pharmacy_hours_cp949.csv", "pharmacy")
    body = client.get(f"/api/v1/places/nearby?lat={CITY_HALL[0]}&lon={CITY_HALL[1]}&category=pharmacy"
                      "&radius_m=20000&limit=100").get_json()
    assert {f["properties"]["location_precision"] for f in body["features"]} == {"exact"}


def test_rows_written_before_the_stored_properties_still_answer(client, db):
    from sqlalchemy import update

    from civic.extensions import db as database
    from civic.places.models import Place

    created = place("오래된 행", lat=37.5664, lon=126.9780)
    database.session.execute(update(Place).values(properties_json=None))
    database.session.commit()
    body = client.get(f"/api/v1/places/nearby?lat={CITY_HALL[0]}&lon={CITY_HALL[1]}").get_json()
    assert body["features"][0]["properties"]["name"] == "오래된 행"
    assert body["features"][0]["id"] == created.id
