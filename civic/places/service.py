"""Places: nearest facilities from a point, bounding-box listing, one facility.

The nearby search reads only a box around the point: rows are indexed by (category, latitude
band, longitude), so the box costs a few index range scans. Candidates are then ranked by the
exact haversine distance; the box starts small and doubles until ``limit`` results inside the
searched circle are certain (anything outside the circle is farther than everything inside it),
or the requested radius is reached. The result equals a brute-force haversine ranking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from uuid import uuid4

from flask import current_app
from sqlalchemy import bindparam, select

from civic.db import utcnow
from civic.errors import N_, NotFound, ValidationFailed
from civic.extensions import db
from civic.geo import BBox, all_districts, district_index, haversine_m, validate_point
from civic.places.models import BAND_PER_DEGREE, Place, lat_band
from civic.places.opening_hours import derived_attributes, open_at
from civic.timezone import holiday_country, local_zone

ATTRIBUTES = ("wheelchair", "baby_changing", "gender_separated", "emergency_bell", "cctv",
              "open_24h", "open_holidays", "indoor", "emergency_room", "children")
MAX_LIMIT = 100
FIRST_RADIUS_M = 400
LANDMARKS_FILE = Path(__file__).parent / "data" / "landmarks.json"


@dataclass
class Nearby:
    place: Place
    distance_m: float
    open_now: bool | None


def categories() -> list[str]:
    return list(current_app.config["PLACES_CATEGORIES"])


def validate_categories(values, field: str = "category") -> list[str]:
    values = [v.strip() for v in (values or []) if v and v.strip()]
    unknown = [v for v in values if v not in categories()]
    if unknown:
        raise ValidationFailed({field: N_("Unknown category: %(unknown)s. Known: %(known)s.",
                                          unknown=", ".join(unknown), known=", ".join(categories()))})
    return values


def validate_attributes(values, field: str = "attrs") -> list[str]:
    values = [v.strip() for v in (values or []) if v and v.strip()]
    unknown = [v for v in values if v not in ATTRIBUTES]
    if unknown:
        raise ValidationFailed({field: N_("Unknown attribute: %(unknown)s. Known: %(known)s.",
                                          unknown=", ".join(unknown), known=", ".join(ATTRIBUTES))})
    return values


def open_now(place: Place, at: datetime | None = None) -> bool | None:
    """Open at ``at`` (default now), judged in the city's time zone; None when unknown."""
    return open_at(place.hours, at or utcnow(), local_zone(), holiday_country())


@lru_cache(maxsize=16)
def _candidate_query(with_rules: bool, by_category: bool, by_band: bool):
    """The box query, built once per shape; only the bound values change between searches."""
    columns = [Place.id, Place.lat, Place.lon] + ([Place.hours, Place.attributes] if with_rules else [])
    query = select(*columns).where(
        Place.lat.between(bindparam("min_lat"), bindparam("max_lat")),
        Place.lon.between(bindparam("min_lon"), bindparam("max_lon")),
    )
    if by_band:
        query = query.where(Place.lat_band.in_(bindparam("bands", expanding=True)))
    if by_category:
        query = query.where(Place.category.in_(bindparam("categories", expanding=True)))
    return query


def _candidates(box: BBox, category_list: list[str], with_rules: bool):
    """(id, lat, lon[, hours, attributes]) rows inside the box: no objects, no JSON decoding
    unless a filter needs it."""
    first, last = lat_band(box.min_lat), lat_band(box.max_lat)
    by_band = last - first <= 4 * BAND_PER_DEGREE
    params = {"min_lat": box.min_lat, "max_lat": box.max_lat, "min_lon": box.min_lon, "max_lon": box.max_lon}
    if by_band:
        params["bands"] = list(range(first, last + 1))
    if category_list:
        params["categories"] = category_list
    return db.session.execute(_candidate_query(with_rules, bool(category_list), by_band), params)


def _check_search(limit: int, radius_m: float) -> None:
    errors = {}
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = N_("Must be between 1 and %(n)s.", n=MAX_LIMIT)
    max_radius = current_app.config["PLACES_MAX_RADIUS_M"]
    if not isinstance(radius_m, (int, float)) or not 1 <= radius_m <= max_radius:
        errors["radius_m"] = N_("Must be between 1 and %(n)s.", n=max_radius)
    if errors:
        raise ValidationFailed(errors)


def nearest_places(lat, lon, categories: list[str] | str | None = None, limit: int = 10,
                   radius_m: float | None = None, *, open_only: bool = False,
                   attrs: list[str] | None = None, at: datetime | None = None) -> list[Nearby]:
    """The ``limit`` places nearest to (lat, lon) within ``radius_m`` metres, nearest first
    (ties by id), optionally of some categories, open at ``at`` (default now) and having every
    attribute in ``attrs``. Other features call this too (alerts list nearby shelters)."""
    lat, lon = validate_point(lat, lon)
    if isinstance(categories, str):
        categories = [categories]
    category_list = validate_categories(categories or [])
    attr_list = validate_attributes(attrs or [])
    radius_m = current_app.config["PLACES_DEFAULT_RADIUS_M"] if radius_m is None else radius_m
    _check_search(limit, radius_m)
    at = at or utcnow()
    zone, country = local_zone(), holiday_country()

    with_rules = bool(attr_list) or open_only
    searched = min(radius_m, FIRST_RADIUS_M)
    while True:
        hits: list[tuple[float, int]] = []
        for row in _candidates(BBox.around(lat, lon, searched), category_list, with_rules):
            distance = haversine_m(lat, lon, row.lat, row.lon)
            if distance > searched:
                continue
            if attr_list and not all((row.attributes or {}).get(a) for a in attr_list):
                continue
            if open_only and open_at(row.hours, at, zone, country) is not True:
                continue
            hits.append((distance, row.id))
        if len(hits) >= limit or searched >= radius_m:
            break
        searched = min(radius_m, searched * (2 if hits else 4))
    hits.sort()
    hits = hits[:limit]
    places = {p.id: p for p in db.session.scalars(select(Place).where(Place.id.in_([i for _, i in hits])))}
    return [Nearby(places[i], distance, open_at(places[i].hours, at, zone, country)) for distance, i in hits]


def places_in_bbox(bbox: BBox, categories: list[str] | None = None):
    """A ``select()`` of the places inside the box (for a map view), in id order; paginate it."""
    query = select(Place).where(Place.lon.between(bbox.min_lon, bbox.max_lon),
                                Place.lat.between(bbox.min_lat, bbox.max_lat))
    category_list = validate_categories(categories or [])
    if category_list:
        query = query.where(Place.category.in_(category_list))
    return query.order_by(Place.id)


def add_place(category: str, name: str, lat, lon, *, address: str = "", phone: str = "",
              hours: dict | None = None, attributes: dict | None = None, details: dict | None = None,
              source: str = "manual", source_id: str | None = None) -> Place:
    """Add one place (a shelter designated by the city, a test fixture...). The point must be
    inside the city; the district is derived from it."""
    from civic.db import unit_of_work
    from civic.geo import district_at

    lat, lon = validate_point(lat, lon)
    validate_categories([category])
    attribute_names = validate_attributes([k for k, v in (attributes or {}).items() if v is not None])
    if not (name or "").strip():
        raise ValidationFailed({"name": N_("Required.")})
    district = district_at(lat, lon)
    if district is None:
        raise ValidationFailed({"lat": N_("The point is outside the city.")})
    with unit_of_work():
        place = Place(category=category, name=name.strip()[:200], address=address, phone=phone,
                      lat=lat, lon=lon, district_code=district.code, hours=hours,
                      attributes={**derived_attributes(hours), **{k: bool(attributes[k]) for k in attribute_names}},
                      details=details or {}, source=source, source_id=source_id or f"manual-{uuid4().hex}",
                      updated_at=utcnow())
        db.session.add(place)
    return place


def get_place(place_id: int) -> Place:
    place = db.session.get(Place, place_id)
    if place is None:
        raise NotFound(N_("No such place."))
    return place


@dataclass(frozen=True)
class NamedLocation:
    key: str
    name_ko: str
    name_en: str
    lat: float
    lon: float
    group: str  # "landmark" or "district"

    def name(self, locale: str) -> str:
        return self.name_ko if locale == "ko" else self.name_en


@lru_cache(maxsize=4)
def _landmarks(path: str) -> tuple[NamedLocation, ...]:
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(NamedLocation(r["key"], r["name_ko"], r["name_en"], r["lat"], r["lon"], "landmark") for r in rows)


def named_locations() -> list[NamedLocation]:
    """Places a person without location services can pick: landmarks, then each district's
    centre (its centroid, or a point inside the boundary when the centroid falls outside)."""
    found = list(_landmarks(current_app.config.get("PLACES_LANDMARKS_FILE") or str(LANDMARKS_FILE)))
    geometries = district_index().geometries
    for district in all_districts():
        geometry = geometries[district.code]
        point = geometry.centroid if geometry.contains(geometry.centroid) else geometry.representative_point()
        found.append(NamedLocation(district.code, district.name_ko, district.name_en,
                                   round(point.y, 6), round(point.x, 6), "district"))
    return found


def resolve_location(key: str) -> NamedLocation:
    for location in named_locations():
        if location.key == key:
            return location
    raise ValidationFailed({"near": N_("Unknown place or district.")})
