"""The bundled city data, loaded once for the module: a fresh install answers "what is near me"
from anywhere in the city, and every alert page lists only the refuges that fit its hazard."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from civic import create_app
from civic.extensions import db as _db
from civic.geo import all_districts, district_index
from civic.places import service
from civic.places.models import Place
from civic.places.seed import seed
from tests.conftest import TEST_DATABASE_URL, FreshContextClient, _empty_tables, make_config

GANGNAM_STATION = (37.4979, 127.0276)
NOWON_STATION = (37.6551, 127.0613)
# An independent reading of "underground" in a name or address: 지하1층, 지하 2층, 지하층, B1층.
UNDERGROUND_TEXT = re.compile(r"지하\s*\d|지하층|B\d\s*층")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    app = create_app(make_config(tmp_path_factory.mktemp("seeded")))
    app.test_client_class = FreshContextClient
    with app.app_context():
        if not TEST_DATABASE_URL:
            _db.create_all()
        try:
            added = seed()
            yield app, added
        finally:
            _db.session.remove()
            _empty_tables()
            _db.engine.dispose()


@pytest.fixture
def app(seeded):
    return seeded[0]


def test_seed_loads_every_layout_once(seeded):
    _app, added = seeded
    assert added == _db.session.scalar(select(func.count()).select_from(Place)) > 25000
    counts = service.category_counts()
    assert "public_office" not in counts  # no data: not offered
    assert counts["flood_shelter"] == 1118 and counts["earthquake_site"] == 1584
    assert counts["heat_shelter"] == 4087 and counts["cold_shelter"] == 1358 and counts["climate_shelter"] == 505
    assert counts["civil_defence_shelter"] == 2911  # 2,912 in use, one without coordinates
    assert seed() == 0  # idempotent


def test_every_district_has_each_everyday_facility_and_refuge_within_3_km(seeded):
    geometries = district_index().geometries
    missing = []
    for district in all_districts():
        point = geometries[district.code].representative_point()
        for category in ("toilet", "pharmacy", "hospital", "flood_shelter", "heat_shelter", "civil_defence_shelter"):
            if not service.nearest_places(point.y, point.x, category, limit=1, radius_m=3000):
                missing.append((district.name_ko, category))
    assert missing == []


def test_pharmacies_are_at_their_own_door(seeded):
    precisions = dict(_db.session.execute(select(Place.location_precision, func.count())
                                          .where(Place.category == "pharmacy")
                                          .group_by(Place.location_precision)).all())
    assert precisions["exact"] >= 5500
    nearest = service.nearest_places(*GANGNAM_STATION, "pharmacy", limit=1)[0]
    assert nearest.place.location_precision == "exact" and nearest.distance_m <= 150
    first = service.nearest_places(*NOWON_STATION, "pharmacy", limit=20)
    assert first[0].place.district_code == "11350"  # 노원구, not 도봉구 창동
    assert all(n.place.location_precision == "exact" for n in first)
    distances = [round(n.distance_m) for n in first]
    assert distances == sorted(distances) and len(set(distances)) > 10  # real distances, not one dong's
    # The 2021 hours list attached its hours to exact rows (name plus phone or address).
    with_hours = _db.session.scalar(select(func.count()).select_from(Place).where(
        Place.category == "pharmacy", Place.location_precision == "exact", Place.hours.is_not(None)))
    assert with_hours > 3000


def test_no_bundled_refuge_for_water_hazards_is_underground(app):
    hazards = app.config["PLACES_ABOVE_GROUND_HAZARDS"]
    categories = {c for h in hazards for c in app.config["PLACES_HAZARD_REFUGES"].get(h, [])}
    assert categories == {"flood_shelter"}
    rows = _db.session.scalars(select(Place).where(Place.category.in_(categories))).all()
    assert len(rows) == 1118
    for row in rows:
        assert row.attributes.get("underground") is False, row.name
        assert not UNDERGROUND_TEXT.search(f"{row.name} {row.address}"), row.name
    # The civil-defence shelters, which are, say so.
    underground = _db.session.scalar(select(func.count()).select_from(Place).where(
        Place.category == "civil_defence_shelter"))
    flagged = [p for p in _db.session.scalars(select(Place).where(Place.category == "civil_defence_shelter"))
               if p.attributes.get("underground")]
    assert len(flagged) == underground - 1  # one of the 2,911 is above ground


def _refuges(html: str) -> list[tuple[str, str]]:
    """(category, underground yes/no) of every refuge the alert page lists."""
    section = html[html.index('id="group-refuge"'):html.index('id="group-emergency_room"')]
    return re.findall(r'data-category="([a-z_]+)" data-underground="(yes|no)"', section)


def test_every_alert_type_in_every_district_lists_only_fitting_refuges(app):
    """The rule for every type x a point in each district (what the page renders, at a fixed
    clock), and the page itself for every type in one district and every district for 호우."""
    from datetime import UTC, datetime

    from civic.alerts import service as alerts
    from civic.alerts.models import ALERT_TYPES
    from civic.places.emergency import alert_facilities
    from tests.factories import make_user

    mapping = app.config["PLACES_HAZARD_REFUGES"]
    above_ground = app.config["PLACES_ABOVE_GROUND_HAZARDS"]
    geometries = district_index().geometries
    points = [(d.code, geometries[d.code].representative_point()) for d in all_districts()]
    assert len(points) == 25 and {"cold_wave", "air_raid"} <= set(ALERT_TYPES)
    noon = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)  # 12:00 in Seoul
    for alert_type in ALERT_TYPES:
        fitting = mapping.get(alert_type, [])
        for code, point in points:
            refuges = alert_facilities(alert_type, point.y, point.x, at=noon)[0]
            listed = refuges.near + ([refuges.nearest_far] if refuges.nearest_far else [])
            assert bool(listed) == bool(fitting), (alert_type, code)
            for entry in listed:
                assert entry.item.place.category in fitting, (alert_type, code, entry.item.place.name)
                if alert_type in above_ground:
                    assert entry.item.place.attributes["underground"] is False, (alert_type, code)

    officer = make_user("alert_officer", email="refuges@example.org")
    client = app.test_client()
    pages = [(t, "11500") for t in ALERT_TYPES] + [("heavy_rain", code) for code, _ in points]
    sent = {}
    for alert_type, code in pages:
        if alert_type not in sent:
            sent[alert_type] = alerts.send(officer, alerts.create_draft(officer, {
                "type": alert_type, "level": "urgent", "districts": ["11500"], "headline_ko": "경보",
                "body_ko": "본문", "expires_in_min": 60}))
        point = geometries[code].representative_point()
        html = client.get(f"/alerts/{sent[alert_type].id}?lat={point.y:.6f}&lon={point.x:.6f}").get_data(as_text=True)
        listed = _refuges(html)
        fitting = mapping.get(alert_type, [])
        if not fitting:
            assert listed == [] and 'id="refuge-advice"' in html, (alert_type, code)
            continue
        assert listed and {category for category, _ in listed} <= set(fitting), (alert_type, code, listed)
        if alert_type in above_ground:
            assert all(underground == "no" for _, underground in listed), (alert_type, code)
