"""Places: nearest facilities from a point, bounding-box listing, one facility.

The nearby search reads only a box around the point: rows are indexed by (category, latitude
band, longitude), so the box costs a few index range scans. Candidates are then ranked by the
exact haversine distance; the box starts small and doubles until ``limit`` results inside the
searched circle are certain (anything outside the circle is farther than everything inside it),
or the requested radius is reached. The result equals a brute-force haversine ranking.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from uuid import uuid4

from flask import current_app
from sqlalchemy import Text, bindparam, cast, func, select

from civic import events
from civic.db import utcnow
from civic.errors import N_, NotFound, ValidationFailed
from civic.extensions import db
from civic.geo import BBox, all_districts, district_index, haversine_m, validate_point
from civic.places.matching import clean_phone
from civic.places.models import BAND_PER_DEGREE, Place, lat_band
from civic.places.opening_hours import derived_attributes, open_at
from civic.timezone import holiday_country, local_zone

ATTRIBUTES = ("wheelchair", "baby_changing", "gender_separated", "emergency_bell", "cctv",
              "open_24h", "open_holidays", "indoor", "emergency_room", "children", "underground")
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


def _slots(count: int) -> int:
    """Bound IN lists come in a few fixed sizes (padded with a repeated value), so each query
    shape is compiled once and never re-rendered per request (SQLAlchemy's "expanding" IN is)."""
    return max(1, 1 << (count - 1).bit_length())


def _in_params(prefix: str, values: list) -> dict:
    size = _slots(len(values))
    padded = list(values) + [values[-1]] * (size - len(values))
    return {f"{prefix}{i}": value for i, value in enumerate(padded)}


@lru_cache(maxsize=64)
def _candidate_query(with_rules: bool, category_slots: int, band_slots: int, exact_only: bool = False):
    """The box query, built once per shape; only the bound values change between searches."""
    # The rule columns come as text: a city repeats a few hundred distinct hours and attribute
    # sets over tens of thousands of rows, so each is decoded and judged once per search.
    rules = [cast(Place.hours, Text).label("hours"), cast(Place.attributes, Text).label("attributes")]
    columns = [Place.id, Place.lat, Place.lon] + (rules if with_rules else [])
    query = select(*columns).where(
        Place.lat.between(bindparam("min_lat"), bindparam("max_lat")),
        Place.lon.between(bindparam("min_lon"), bindparam("max_lon")),
    )
    if exact_only:
        query = query.where(Place.location_precision == "exact")
    if band_slots:
        query = query.where(Place.lat_band.in_([bindparam(f"band{i}") for i in range(band_slots)]))
    if category_slots:
        query = query.where(Place.category.in_([bindparam(f"category{i}") for i in range(category_slots)]))
    return query


def _candidates(box: BBox, category_list: list[str], with_rules: bool, exact_only: bool = False):
    """(id, lat, lon[, hours, attributes]) rows inside the box: no objects, no JSON decoding
    unless a filter needs it."""
    first, last = lat_band(box.min_lat), lat_band(box.max_lat)
    by_band = last - first <= 4 * BAND_PER_DEGREE
    params = {"min_lat": box.min_lat, "max_lat": box.max_lat, "min_lon": box.min_lon, "max_lon": box.max_lon}
    if by_band:
        params.update(_in_params("band", list(range(first, last + 1))))
    if category_list:
        params.update(_in_params("category", category_list))
    query = _candidate_query(with_rules, _slots(len(category_list)) if category_list else 0,
                             _slots(last - first + 1) if by_band else 0, exact_only)
    return db.session.connection().execute(query, params)


def _check_search(limit: int, radius_m: float) -> None:
    errors = {}
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = N_("Must be between 1 and %(n)s.", n=MAX_LIMIT)
    max_radius = current_app.config["PLACES_MAX_RADIUS_M"]
    if not isinstance(radius_m, (int, float)) or not 1 <= radius_m <= max_radius:
        errors["radius_m"] = N_("Must be between 1 and %(n)s.", n=max_radius)
    if errors:
        raise ValidationFailed(errors)


def _nearest_hits(lat, lon, categories, limit, radius_m, open_only, attrs, at, without=(), exact_only=True):
    """(distance, id) of the winners, nearest first. ``without``: attributes a winner must not
    have (``underground``); ``exact_only``: places known only to their dong are never ranked
    by a made-up distance."""
    lat, lon = validate_point(lat, lon)
    if isinstance(categories, str):
        categories = [categories]
    category_list = validate_categories(categories or [])
    attr_list = validate_attributes(attrs or [])
    radius_m = current_app.config["PLACES_DEFAULT_RADIUS_M"] if radius_m is None else radius_m
    _check_search(limit, radius_m)
    at = at or utcnow()
    zone, country = local_zone(), holiday_country()

    with_rules = bool(attr_list) or open_only or bool(without)
    attributes_ok: dict[str | None, bool] = {}
    open_now: dict[str | None, bool] = {}

    def attributes_pass(text: str | None) -> bool:
        if text not in attributes_ok:
            values = json.loads(text) if text else None
            values = values if isinstance(values, dict) else {}
            attributes_ok[text] = (all(values.get(a) for a in attr_list)
                                   and not any(values.get(a) is not False for a in without))
        return attributes_ok[text]

    def is_open(text: str | None) -> bool:
        if text not in open_now:
            open_now[text] = open_at(json.loads(text) if text else None, at, zone, country) is True
        return open_now[text]

    searched = min(radius_m, FIRST_RADIUS_M)
    while True:
        hits: list[tuple[float, int]] = []
        for row in _candidates(BBox.around(lat, lon, searched), category_list, with_rules, exact_only):
            distance = haversine_m(lat, lon, row.lat, row.lon)
            if distance > searched:
                continue
            if (attr_list or without) and not attributes_pass(row.attributes):
                continue
            if open_only and not is_open(row.hours):
                continue
            hits.append((distance, row.id))
        if len(hits) >= limit or searched >= radius_m:
            break
        searched = min(radius_m, searched * (2 if hits else 4))
    hits.sort()
    return hits[:limit]


def nearest_places(lat, lon, categories: list[str] | str | None = None, limit: int = 10,
                   radius_m: float | None = None, *, open_only: bool = False,
                   attrs: list[str] | None = None, at: datetime | None = None,
                   without: tuple[str, ...] = (), exact_only: bool = True) -> list[Nearby]:
    """The ``limit`` places nearest to (lat, lon) within ``radius_m`` metres, nearest first
    (ties by id), optionally of some categories, open at ``at`` (default now) and having every
    attribute in ``attrs`` and none in ``without`` (a place must *say* it lacks it: unknown is
    not enough). Places known only to their dong are left out unless ``exact_only=False``.
    Other features call this too (alerts list nearby refuges)."""
    at = at or utcnow()
    hits = _nearest_hits(lat, lon, categories, limit, radius_m, open_only, attrs, at, without, exact_only)
    zone, country = local_zone(), holiday_country()
    places = {p.id: p for p in db.session.scalars(select(Place).where(Place.id.in_([i for _, i in hits])))}
    return [Nearby(places[i], distance, open_at(places[i].hours, at, zone, country)) for distance, i in hits]


@lru_cache(maxsize=8)
def _winner_query(slots: int):
    # Plain columns: the stored properties stay a string and the hours are decoded here, once.
    return select(Place.id, Place.lat, Place.lon, Place.properties_json, cast(Place.hours, Text).label("hours")
                  ).where(Place.id.in_([bindparam(f"id{i}") for i in range(slots)]))


@dataclass
class NearbyRow:
    id: int
    lat: float
    lon: float
    properties_json: str  # serialise_properties() of the row: a JSON object
    distance_m: float
    open_now: bool | None


def nearest_rows(lat, lon, categories: list[str] | str | None = None, limit: int = 10,
                 radius_m: float | None = None, *, open_only: bool = False,
                 attrs: list[str] | None = None, at: datetime | None = None) -> list[NearbyRow]:
    """``nearest_places`` for the JSON answer: the same winners as plain rows carrying their
    pre-serialised properties, so no object is built and no stored JSON is decoded but the hours."""
    at = at or utcnow()
    hits = _nearest_hits(lat, lon, categories, limit, radius_m, open_only, attrs, at)
    if not hits:
        return []
    zone, country = local_zone(), holiday_country()
    ids = [i for _, i in hits]
    rows = {r.id: r for r in db.session.connection().execute(_winner_query(_slots(len(ids))), _in_params("id", ids))}
    found = []
    for distance, place_id in hits:
        row = rows[place_id]
        hours = json.loads(row.hours) if row.hours and row.hours != "null" else None
        properties = row.properties_json
        if properties is None:  # a row written before the column existed
            place = db.session.get(Place, place_id)
            if place is None:   # deleted since the query above
                continue
            properties = place.current_properties()
        found.append(NearbyRow(place_id, row.lat, row.lon, properties, distance, open_at(hours, at, zone, country)))
    return found


@dataclass
class Answer:
    """What the "near me" page shows: the results, the radius they come from, and whether the
    search had to widen beyond the requested radius to find enough."""

    results: list[Nearby]
    radius_m: int
    requested_m: int
    within_requested: int

    @property
    def widened(self) -> bool:
        return self.radius_m > self.requested_m


def nearby_answer(lat, lon, category: str, *, limit: int, radius_m: int, open_only: bool = False,
                  attrs: list[str] | None = None, at: datetime | None = None) -> Answer:
    """The nearest ``limit`` places of a category within ``radius_m``; when fewer than
    ``PLACES_WIDEN_BELOW`` lie inside it, the radius widens (to whole kilometres, at most
    ``PLACES_MAX_RADIUS_M``) just enough to hold that many."""
    max_radius = current_app.config["PLACES_MAX_RADIUS_M"]
    wanted = current_app.config["PLACES_WIDEN_BELOW"]
    found = nearest_places(lat, lon, category, limit, max(radius_m, max_radius), open_only=open_only,
                           attrs=attrs, at=at)
    within = [r for r in found if r.distance_m <= radius_m]
    if not found:  # nothing as far as the search reaches
        return Answer([], max(radius_m, max_radius), radius_m, 0)
    if len(within) >= wanted or len(found) == len(within):
        return Answer(within, radius_m, radius_m, len(within))
    reach = found[min(wanted, len(found)) - 1].distance_m
    widened = min(max_radius, max(radius_m, math.ceil(reach / 1000) * 1000))
    return Answer([r for r in found if r.distance_m <= widened], widened, radius_m, len(within))


def approximate_in_dong(lat, lon, category: str, limit: int = 20) -> list[Place]:
    """Places of a category known only to the legal dong the point lies in: shown apart
    ("이 동에 있는 약국 · 위치 대략"), never ranked among exact places by a made-up distance."""
    from civic.places.dongs import dong_at

    dong = dong_at(lat, lon)
    if dong is None:
        return []
    return list(db.session.scalars(
        select(Place).where(Place.category == category, Place.location_precision == "dong",
                            Place.lat == dong.lat, Place.lon == dong.lon).order_by(Place.name).limit(limit)))


def category_counts() -> dict[str, int]:
    """How many places each configured category has; categories without data are left out,
    so nothing is offered where the city has no data."""
    rows = db.session.execute(select(Place.category, func.count()).group_by(Place.category))
    counts = dict(rows.all())
    return {c: counts[c] for c in categories() if counts.get(c)}


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
    attributes = attributes or {}
    attribute_names = validate_attributes([k for k, v in attributes.items() if v is not None])
    if not (name or "").strip():
        raise ValidationFailed({"name": N_("Required.")})
    district = district_at(lat, lon)
    if district is None:
        raise ValidationFailed({"lat": N_("The point is outside the city.")})
    with unit_of_work():
        place = Place(category=category, name=name.strip()[:200], address=address, phone=clean_phone(phone),
                      lat=lat, lon=lon, district_code=district.code, hours=hours,
                      attributes={**derived_attributes(hours), **{k: bool(attributes[k]) for k in attribute_names}},
                      details=details or {}, source=source, source_id=source_id or f"manual-{uuid4().hex}",
                      location_precision="exact", updated_at=utcnow())
        db.session.add(place)
        db.session.flush()
        events.emit(events.PlaceChanged(place.id))
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
    found = list(_landmarks(current_app.config["PLACES_LANDMARKS_FILE"] or str(LANDMARKS_FILE)))
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
