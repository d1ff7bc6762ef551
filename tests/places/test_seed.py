"""A fresh install answers "what is near me" from anywhere in the city (the bundled data)."""

from sqlalchemy import func, select

from civic.geo import all_districts, district_index
from civic.places import service
from civic.places.models import Place
from civic.places.seed import seed


def test_every_district_has_each_everyday_facility_within_3_km_after_seeding(db):
    added = seed()
    assert added == db.session.scalar(select(func.count()).select_from(Place)) > 14000
    geometries = district_index().geometries
    missing = []
    for district in all_districts():
        point = geometries[district.code].representative_point()
        for category in ("toilet", "pharmacy", "hospital", "shelter"):
            if not service.nearest_places(point.y, point.x, category, limit=1, radius_m=3000):
                missing.append((district.name_ko, category))
    assert missing == []
    counts = service.category_counts()
    assert "public_office" not in counts  # no data: not offered
    assert counts["shelter"] == 2975 and counts["hospital"] > 1500 and counts["pharmacy"] > 4000
    # Pharmacies of the hours list that another source places exactly were replaced by it.
    precisions = dict(db.session.execute(select(Place.location_precision, func.count())
                                         .where(Place.category == "pharmacy")
                                         .group_by(Place.location_precision)).all())
    assert precisions["exact"] == 201 and precisions["dong"] > 4000
    assert seed() == 0  # idempotent
