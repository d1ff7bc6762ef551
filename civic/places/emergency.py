"""What an alert page lists: the refuges that fit the alert's hazard, emergency rooms and
pharmacies open now, measured from a point the page names ("내 위치 기준", "강서구청 기준").

Which refuge categories fit a hazard is configuration (``PLACES_HAZARD_REFUGES``); hazards whose
refuges must be above ground are ``PLACES_ABOVE_GROUND_HAZARDS``. Nothing beyond ``PLACES_NEAR_M``
is called near: the page then names the nearest one with its distance, or says nothing is near.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path

from flask import current_app

from civic.db import utcnow
from civic.geo import get_district
from civic.places.hours_status import HoursStatus, status
from civic.places.service import NamedLocation, Nearby, categories, named_locations, nearest_places
from civic.timezone import holiday_country, local_zone, to_local

OFFICES_FILE = Path(__file__).resolve().parent / "data" / "district_offices.json"
REFUGES_SHOWN = 3


@dataclass
class Listed:
    item: Nearby
    hours: HoursStatus


@dataclass
class Group:
    """One list of the alert page: ``key`` is "refuge", "emergency_room" or "pharmacy"."""

    key: str
    categories: list[str]
    near: list[Listed] = field(default_factory=list)
    nearest_far: Listed | None = None  # nothing near: the nearest one, farther than PLACES_NEAR_M


def refuge_categories(alert_type: str) -> list[str]:
    """The refuge categories that fit an alert type (configured ones only); [] when none does."""
    mapping = current_app.config["PLACES_HAZARD_REFUGES"]
    return [c for c in mapping.get(alert_type, []) if c in categories()]


def must_be_above_ground(alert_type: str) -> bool:
    return alert_type in current_app.config["PLACES_ABOVE_GROUND_HAZARDS"]


def _group(key: str, cats: list[str], lat: float, lon: float, count: int, at: datetime, **options) -> Group:
    group = Group(key, cats)
    if not cats:
        return group
    zone, country = local_zone(), holiday_country()
    found = nearest_places(lat, lon, cats, count, current_app.config["PLACES_MAX_RADIUS_M"], at=at, **options)
    listed = [Listed(n, status(n.place.hours, at, zone, country)) for n in found]
    near_m = current_app.config["PLACES_NEAR_M"]
    group.near = [entry for entry in listed if entry.item.distance_m <= near_m]
    if not group.near and listed:
        group.nearest_far = listed[0]
    return group


def alert_facilities(alert_type: str, lat: float, lon: float, at: datetime | None = None) -> list[Group]:
    """The refuges for the hazard (never underground where it must be above ground), the
    nearest emergency rooms and the nearest pharmacies open now, each group nearest first."""
    at = at or utcnow()
    without = ("underground",) if must_be_above_ground(alert_type) else ()
    groups = [_group("refuge", refuge_categories(alert_type), lat, lon, REFUGES_SHOWN, at, without=without)]
    if "emergency_room" in categories():
        groups.append(_group("emergency_room", ["emergency_room"], lat, lon, 2, at))
    if "pharmacy" in categories():
        groups.append(_group("pharmacy", ["pharmacy"], lat, lon, 2, at, open_only=True))
    return groups


@lru_cache(maxsize=2)
def _offices(path: str) -> tuple[NamedLocation, ...]:
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    found = []
    for row in rows:
        district = get_district(row["district_code"])
        name_en = f"{district.name_en} Office" if district else row["name_ko"]
        found.append(NamedLocation(f"office-{row['district_code']}", row["name_ko"], name_en,
                                   float(row["lat"]), float(row["lon"]), "office"))
    return tuple(found)


def district_offices() -> list[NamedLocation]:
    """The 25 district offices (구청): the named point an alert page measures from."""
    return list(_offices(str(OFFICES_FILE)))


def district_office(code: str) -> NamedLocation | None:
    return next((o for o in district_offices() if o.key == f"office-{code}"), None)


def alert_origins() -> list[NamedLocation]:
    """What the alert page offers to measure from: landmarks and district offices."""
    return [loc for loc in named_locations() if loc.group == "landmark"] + district_offices()


def resolve_origin(key: str) -> NamedLocation | None:
    return next((loc for loc in alert_origins() if loc.key == key), None)


def is_night(at: datetime | None = None) -> bool:
    """Whether ``at`` (default now) falls in the configured night, in the city's time zone."""
    local = to_local(at or utcnow()).time()
    start = time.fromisoformat(current_app.config["PLACES_NIGHT_FROM"])
    end = time.fromisoformat(current_app.config["PLACES_NIGHT_UNTIL"])
    return (start <= local or local < end) if start > end else (start <= local < end)


def night_lead(lat: float, lon: float, at: datetime | None = None) -> list[Listed]:
    """At night a hospital search starts with the nearest emergency rooms and 달빛어린이병원."""
    at = at or utcnow()
    zone, country = local_zone(), holiday_country()
    radius = current_app.config["PLACES_MAX_RADIUS_M"]
    found: list[Nearby] = []
    if "emergency_room" in categories():
        found += nearest_places(lat, lon, "emergency_room", 2, radius, at=at)
    if "hospital" in categories():
        found += nearest_places(lat, lon, "hospital", 2, radius, attrs=["children"], at=at)
    return [Listed(n, status(n.place.hours, at, zone, country)) for n in found]
