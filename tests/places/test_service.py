"""Nearby search: exact ranking, filters, validation, bounding boxes."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from civic.errors import NotFound, ValidationFailed
from civic.geo import haversine_m, parse_bbox
from civic.places import service
from civic.places.models import Place, lat_band
from civic.places.opening_hours import open_at, parse_text
from tests.places.helpers import CITY_HALL, place

SEOUL = ZoneInfo("Asia/Seoul")
NOON_FRIDAY = datetime(2026, 11, 27, 12, 0, tzinfo=SEOUL)
HOURS = [None, parse_text("상시"), parse_text("09:00~18:00"), parse_text("18:00~26:00")]


def test_nearest_first_with_distances(db):
    far = place("먼 화장실", lat=37.5700, lon=126.9779)
    near = place("가까운 화장실", lat=37.5665, lon=126.9780)
    place("약국", category="pharmacy", lat=37.5664, lon=126.9779)
    results = service.nearest_places(*CITY_HALL, "toilet", limit=5, radius_m=2000)
    assert [r.place.id for r in results] == [near.id, far.id]
    assert results[0].distance_m == pytest.approx(haversine_m(*CITY_HALL, 37.5665, 126.9780))
    assert results[0].distance_m < results[1].distance_m


def test_radius_limit_and_several_categories(db):
    place("1 km", lat=CITY_HALL[0] + 0.009, lon=CITY_HALL[1])
    place("pharmacy", category="pharmacy", lat=CITY_HALL[0] + 0.001, lon=CITY_HALL[1])
    place("hospital", category="hospital", lat=CITY_HALL[0] + 0.002, lon=CITY_HALL[1])
    assert service.nearest_places(*CITY_HALL, "toilet", radius_m=900) == []
    assert len(service.nearest_places(*CITY_HALL, "toilet", radius_m=1100)) == 1
    both = service.nearest_places(*CITY_HALL, ["pharmacy", "hospital"], limit=10)
    assert [r.place.name for r in both] == ["pharmacy", "hospital"]
    assert [r.place.name for r in service.nearest_places(*CITY_HALL, None, limit=1)] == ["pharmacy"]


def test_open_now_and_attribute_filters(db):
    place("낮에만", lat=37.5664, lon=126.9780, hours_text="09:00~18:00")
    place("밤에만", lat=37.5663, lon=126.9780, hours_text="18:00~26:00")
    place("모름", lat=37.5662, lon=126.9780)
    place("휠체어", lat=37.5670, lon=126.9780, hours_text="상시", attributes={"wheelchair": True})
    at_noon = service.nearest_places(*CITY_HALL, "toilet", open_only=True, at=NOON_FRIDAY)
    assert {r.place.name for r in at_noon} == {"낮에만", "휠체어"}
    assert all(r.open_now is True for r in at_noon)
    late = datetime(2026, 11, 28, 1, 0, tzinfo=SEOUL)
    at_night = service.nearest_places(*CITY_HALL, "toilet", open_only=True, at=late)
    assert {r.place.name for r in at_night} == {"밤에만", "휠체어"}
    states = {r.place.name: r.open_now for r in service.nearest_places(*CITY_HALL, "toilet", at=late)}
    assert states == {"낮에만": False, "밤에만": True, "모름": None, "휠체어": True}
    assert [r.place.name for r in service.nearest_places(*CITY_HALL, "toilet", attrs=["wheelchair"])] == ["휠체어"]


def test_open_24h_is_derived_from_the_hours(db):
    place("밤낮", lat=37.5664, lon=126.9780, hours_text="24시간")
    place("낮", lat=37.5663, lon=126.9780, hours_text="월-금09:00~18:00 공휴일 휴관")
    assert [r.place.name for r in service.nearest_places(*CITY_HALL, "toilet", attrs=["open_24h"])] == ["밤낮"]
    assert service.nearest_places(*CITY_HALL, "toilet", attrs=["open_holidays"])[0].place.name == "밤낮"


def test_refuges_are_separate_categories_and_underground_ones_can_be_left_out(db):
    above = place("학교 대피소", category="flood_shelter", lat=37.5670, attributes={"underground": False})
    below = place("지하 대피소", category="civil_defence_shelter", attributes={"underground": True})
    unknown = place("모르는 대피소", category="flood_shelter")
    assert [r.place.id for r in service.nearest_places(*CITY_HALL, ["civil_defence_shelter"])] == [below.id]
    both = ["flood_shelter", "civil_defence_shelter"]
    assert {r.place.id for r in service.nearest_places(*CITY_HALL, both)} == {above.id, below.id, unknown.id}
    # Leaving out underground places keeps only those that say they are above ground.
    assert [r.place.id for r in service.nearest_places(*CITY_HALL, both, without=("underground",))] == [above.id]


@pytest.fixture
def charging_stations(app_config):
    app_config["PLACES_CATEGORIES"] = "toilet,charging_station"


def test_categories_come_from_configuration(charging_stations, db):
    service.add_place("charging_station", "충전소", *CITY_HALL)
    assert len(service.nearest_places(*CITY_HALL, "charging_station")) == 1
    with pytest.raises(ValidationFailed):
        service.nearest_places(*CITY_HALL, "pharmacy")


@pytest.mark.parametrize("kwargs, field", [
    ({"lat": 91, "lon": 127}, "lat"),
    ({"lat": "x", "lon": 127}, "lat"),
    ({"lat": 37.5, "lon": 181}, "lon"),
    ({"lat": 37.5, "lon": 127, "categories": "spaceport"}, "category"),
    ({"lat": 37.5, "lon": 127, "limit": 101}, "limit"),
    ({"lat": 37.5, "lon": 127, "limit": 0}, "limit"),
    ({"lat": 37.5, "lon": 127, "radius_m": 50_000}, "radius_m"),
    ({"lat": 37.5, "lon": 127, "attrs": ["sauna"]}, "attrs"),
])
def test_invalid_searches_are_validation_errors(db, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        service.nearest_places(**kwargs)
    assert field in exc.value.errors


def test_bbox_listing_and_validation(db):
    inside = place("안", lat=37.5665, lon=126.9780)
    place("밖", lat=37.60, lon=127.05)
    bbox = parse_bbox("126.97,37.56,126.99,37.57")
    assert [p.id for p in db.session.scalars(service.places_in_bbox(bbox, ["toilet"]))] == [inside.id]


def test_get_place_and_add_place_rules(db):
    created = place("화장실")
    assert service.get_place(created.id).district_code == "11140"
    with pytest.raises(NotFound):
        service.get_place(created.id + 1000)
    with pytest.raises(ValidationFailed) as exc:
        service.add_place("toilet", "부산", 35.1, 129.0)
    assert "lat" in exc.value.errors
    with pytest.raises(ValidationFailed):
        service.add_place("toilet", " ", *CITY_HALL)


def test_named_locations_cover_landmarks_and_every_district(app):
    locations = service.named_locations()
    assert sum(1 for loc in locations if loc.group == "district") == 25
    gangnam = service.resolve_location("11680")
    from civic.geo import district_at

    assert district_at(gangnam.lat, gangnam.lon).code == "11680"
    with pytest.raises(ValidationFailed):
        service.resolve_location("atlantis")


# --- exactness: the indexed search equals a brute-force haversine ranking -----------------

coordinate = st.tuples(st.floats(37.50, 37.60), st.floats(126.90, 127.05))
# Places are drawn around the search point (distance, bearing), so many lie near the edge of
# whichever circle the search is looking at — where a wrong bounding box would lose them.
offset = st.tuples(st.floats(0, 6000), st.floats(0, 360))
facility = st.tuples(offset, st.sampled_from(["toilet", "pharmacy"]), st.integers(0, 3), st.booleans())


def destination(lat, lon, distance_m, bearing_deg):
    from math import asin, atan2, cos, degrees, radians, sin

    from civic.geo import EARTH_RADIUS_M

    angle, bearing, phi, lam = distance_m / EARTH_RADIUS_M, radians(bearing_deg), radians(lat), radians(lon)
    phi2 = asin(sin(phi) * cos(angle) + cos(phi) * sin(angle) * cos(bearing))
    lam2 = lam + atan2(sin(bearing) * sin(angle) * cos(phi), cos(angle) - sin(phi) * sin(phi2))
    return degrees(phi2), degrees(lam2)


def brute_force(rows, lat, lon, categories, limit, radius_m, open_only, attrs, at):
    ranked = []
    for row in rows:
        if categories and row["category"] not in categories:
            continue
        if attrs and not all(row["attributes"].get(a) for a in attrs):
            continue
        if open_only and open_at(row["hours"], at, ZoneInfo("Asia/Seoul"), "KR") is not True:
            continue
        distance = haversine_m(lat, lon, row["lat"], row["lon"])
        if distance <= radius_m:
            ranked.append((distance, row["id"]))
    return [row_id for _, row_id in sorted(ranked)[:limit]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(
    facilities=st.lists(facility, min_size=0, max_size=80),
    duplicates=st.integers(0, 5),
    origin=coordinate,
    categories=st.sampled_from([[], ["toilet"], ["pharmacy", "toilet"]]),
    limit=st.integers(1, 15),
    radius_m=st.one_of(st.integers(1, 20000), st.integers(300, 3000)),
    open_only=st.booleans(),
    attrs=st.sampled_from([[], ["wheelchair"]]),
    hour=st.integers(0, 23),
)
def test_nearest_places_equals_brute_force(db, facilities, duplicates, origin, categories, limit, radius_m,
                                           open_only, attrs, hour):
    db.session.execute(delete(Place))
    rows = []
    for i, ((distance, bearing), category, hours_index, wheelchair) in enumerate(facilities, 1):
        lat, lon = destination(*origin, distance, bearing)
        rows.append({"id": i, "category": category, "name": f"p{i}", "address": "", "district_code": None,
                     "lat": lat, "lon": lon, "phone": "", "hours": HOURS[hours_index],
                     "attributes": {"wheelchair": wheelchair}, "details": {}, "source": "t", "source_id": str(i),
                     "updated_at": NOON_FRIDAY})
    # Several places at exactly the same point: ties are broken by id.
    for j in range(duplicates):
        if rows:
            rows.append({**rows[0], "id": len(facilities) + j + 1, "source_id": f"d{j}"})
    if rows:
        db.session.execute(insert(Place), rows)
    db.session.commit()
    at = NOON_FRIDAY.replace(hour=hour)
    expected = brute_force(rows, *origin, categories, limit, radius_m, open_only, attrs, at)
    found = service.nearest_places(*origin, categories, limit, radius_m, open_only=open_only, attrs=attrs, at=at)
    assert [r.place.id for r in found] == expected


def test_lat_band_is_derived_from_lat(db):
    """The band is computed by the model: on add, on a change of lat, and on a bulk insert."""
    added = place("밴드")
    assert added.lat_band == lat_band(added.lat)
    added.lat = 37.60
    db.session.commit()
    assert db.session.scalar(select(Place.lat_band).where(Place.id == added.id)) == lat_band(37.60) == 3760
    db.session.execute(insert(Place), [
        {"category": "toilet", "name": f"b{i}", "lat": lat, "lon": 127.0, "source": "t", "source_id": f"b{i}"}
        for i, lat in enumerate((37.5, 37.515, -33.8688))])
    db.session.commit()
    bands = dict(db.session.execute(select(Place.name, Place.lat_band).where(Place.source == "t")).all())
    assert bands == {"b0": 3750, "b1": 3751, "b2": -3387}
