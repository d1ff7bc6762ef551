"""Geography: distances, bounding boxes, point -> district, GeoJSON helpers.

District boundaries are loaded once per process from ``DISTRICTS_FILE`` (the 25 Seoul 자치구,
keyed by 5-digit 시군구 code) into prepared shapely geometries behind an STRtree.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

import geojson
from shapely import STRtree, prepare
from shapely.geometry import Point, shape

from civic.errors import ValidationFailed

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class District:
    code: str
    name_ko: str
    name_en: str

    def name(self, locale: str) -> str:
        return self.name_ko if locale == "ko" else self.name_en


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bbox_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a box that contains the circle."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def validate_point(lat, lon, *, field_lat: str = "lat", field_lon: str = "lon") -> tuple[float, float]:
    """Parse and range-check a WGS84 point; a bad one is a validation error, never a 500."""
    errors = {}
    values = {}
    for field, raw, limit in ((field_lat, lat, 90), (field_lon, lon, 180)):
        try:
            value = float(raw)
        except (TypeError, ValueError):
            errors[field] = "Must be a number."
            continue
        if not math.isfinite(value) or not -limit <= value <= limit:
            errors[field] = f"Must be between -{limit} and {limit}."
            continue
        values[field] = value
    if errors:
        raise ValidationFailed(errors)
    return values[field_lat], values[field_lon]


class DistrictIndex:
    def __init__(self, path: str):
        with open(path, encoding="utf-8") as fh:
            collection = json.load(fh)
        self.districts: dict[str, District] = {}
        codes, geoms = [], []
        for feature in collection["features"]:
            props = feature["properties"]
            district = District(str(props["SIG_CD"]), props["SIG_KOR_NM"], props["SIG_ENG_NM"])
            self.districts[district.code] = district
            geom = shape(feature["geometry"])
            prepare(geom)
            codes.append(district.code)
            geoms.append(geom)
        self._codes = codes
        self._geoms = geoms
        self._tree = STRtree(geoms)
        self.geometries = dict(zip(codes, geoms, strict=True))

    def district_at(self, lat: float, lon: float) -> District | None:
        point = Point(lon, lat)
        for i in self._tree.query(point, predicate="intersects"):
            return self.districts[self._codes[int(i)]]
        return None

    def ordered(self) -> list[District]:
        return sorted(self.districts.values(), key=lambda d: d.code)


@lru_cache(maxsize=4)
def _index(path: str) -> DistrictIndex:
    return DistrictIndex(path)


def district_index() -> DistrictIndex:
    from flask import current_app

    return _index(current_app.config["DISTRICTS_FILE"])


def district_at(lat: float, lon: float) -> District | None:
    """The district containing the point, or None outside the city."""
    return district_index().district_at(lat, lon)


def get_district(code: str) -> District | None:
    return district_index().districts.get(str(code))


def all_districts() -> list[District]:
    return district_index().ordered()


def validate_district_codes(codes, field: str = "districts") -> list[str]:
    index = district_index()
    unknown = [c for c in codes if str(c) not in index.districts]
    if unknown:
        raise ValidationFailed({field: f"Unknown district code(s): {', '.join(map(str, unknown))}."})
    return [str(c) for c in codes]


def point_feature(lon: float, lat: float, properties: dict, id=None) -> geojson.Feature:
    return geojson.Feature(id=id, geometry=geojson.Point((lon, lat)), properties=properties)


def feature_collection(features: list) -> geojson.FeatureCollection:
    return geojson.FeatureCollection(features)
