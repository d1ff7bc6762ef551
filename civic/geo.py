"""Geography: distances, bounding boxes, point -> district, GeoJSON helpers.

District boundaries are loaded once per process from ``DISTRICTS_FILE`` (the 25 Seoul 자치구,
keyed by 5-digit 시군구 code) into prepared shapely geometries behind an STRtree.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple, overload

import geojson
from shapely import STRtree, prepare
from shapely.geometry import Point, shape

from civic.errors import N_, ValidationFailed

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


class BBox(NamedTuple):
    """A box in WGS84 degrees, in the order GeoJSON and the ``bbox`` parameter use."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def around(cls, lat: float, lon: float, radius_m: float) -> BBox:
        """The smallest lon/lat box holding every point within ``radius_m`` of (lat, lon),
        slightly generous (the exact distance decides afterwards); the whole longitude range
        near a pole or across the antimeridian."""
        angle = radius_m / EARTH_RADIUS_M
        dlat = math.degrees(angle) * (1 + 1e-9) + 1e-9
        min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
        cos_lat = math.cos(math.radians(lat))
        if angle >= math.pi / 2 or math.sin(angle) >= cos_lat:
            return cls(-180.0, min_lat, 180.0, max_lat)
        dlon = math.degrees(math.asin(math.sin(angle) / cos_lat)) * (1 + 1e-9) + 1e-9
        if lon - dlon < -180 or lon + dlon > 180:
            return cls(-180.0, min_lat, 180.0, max_lat)
        return cls(lon - dlon, min_lat, lon + dlon, max_lat)

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


BBOX_FORMAT = N_("Must be four numbers: minLon,minLat,maxLon,maxLat.")


@overload
def parse_bbox(raw: str | None, field: str = ..., *, required: Literal[True]) -> BBox: ...
@overload
def parse_bbox(raw: str | None, field: str = ..., *, required: bool = ...) -> BBox | None: ...
def parse_bbox(raw: str | None, field: str = "bbox", *, required: bool = False) -> BBox | None:
    """The ``bbox`` query parameter ('minLon,minLat,maxLon,maxLat'), checked for range, order
    and size (at most ``PLACES_BBOX_MAX_DEG`` degrees a side, on every face); None when absent."""
    from flask import current_app

    if raw is None or str(raw).strip() == "":
        if required:
            raise ValidationFailed({field: BBOX_FORMAT})
        return None
    try:
        parts = [float(p) for p in str(raw).split(",")]
    except ValueError:
        raise ValidationFailed({field: BBOX_FORMAT}) from None
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        raise ValidationFailed({field: BBOX_FORMAT})
    box = BBox(*parts)
    if not (all(-180 <= v <= 180 for v in (box.min_lon, box.max_lon))
            and all(-90 <= v <= 90 for v in (box.min_lat, box.max_lat))):
        raise ValidationFailed({field: N_("Longitudes must be within ±180 and latitudes within ±90.")})
    if box.min_lon > box.max_lon or box.min_lat > box.max_lat:
        raise ValidationFailed({field: N_("The minimum must not exceed the maximum.")})
    limit = current_app.config["PLACES_BBOX_MAX_DEG"]
    if box.max_lon - box.min_lon > limit or box.max_lat - box.min_lat > limit:
        raise ValidationFailed({field: N_("The box is too large: at most %(limit)s° on each side.", limit=limit)})
    return box


def validate_point(lat, lon, *, field_lat: str = "lat", field_lon: str = "lon") -> tuple[float, float]:
    """Parse and range-check a WGS84 point; a bad one is a validation error, never a 500."""
    errors = {}
    values = {}
    for field, raw, limit in ((field_lat, lat, 90), (field_lon, lon, 180)):
        try:
            value = float(raw)
        except (TypeError, ValueError):
            errors[field] = N_("Must be a number.")
            continue
        if not math.isfinite(value) or not -limit <= value <= limit:
            errors[field] = N_("Must be between -%(limit)s and %(limit)s.", limit=limit)
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


def district_name(code: str | None, locale: str | None = None) -> str:
    """A district's name in ``locale`` (default: the request's language); the code itself when
    it is not a district of the city."""
    district = get_district(code) if code else None
    if district is None:
        return code or ""
    if locale is None:
        from flask_babel import get_locale

        locale = str(get_locale())
    return district.name(locale)


def all_districts() -> list[District]:
    return district_index().ordered()


def validate_district_codes(codes, field: str = "districts") -> list[str]:
    index = district_index()
    unknown = [c for c in codes if str(c) not in index.districts]
    if unknown:
        raise ValidationFailed({field: N_("Unknown district code(s): %(codes)s.", codes=", ".join(map(str, unknown)))})
    return [str(c) for c in codes]


def point_feature(lon: float, lat: float, properties: dict, id=None) -> geojson.Feature:
    return geojson.Feature(id=id, geometry=geojson.Point((lon, lat)), properties=properties)


def feature_collection(features: list) -> geojson.FeatureCollection:
    return geojson.FeatureCollection(features)


# --- Named places --------------------------------------------------------------------------------

LEGAL_DONGS_FILE = str(Path(__file__).resolve().parent / "data" / "seoul_legal_dongs.geojson")


@dataclass(frozen=True)
class LegalDong:
    code: str
    name_ko: str
    name_en: str

    @property
    def district_code(self) -> str:
        return self.code[:5]


class DongIndex:
    """The 467 legal dongs (법정동) of the city; their ``EMD_CD`` starts with the district's code."""

    def __init__(self, path: str):
        with open(path, encoding="utf-8") as fh:
            collection = json.load(fh)
        self._dongs: list[LegalDong] = []
        geoms = []
        for feature in collection["features"]:
            props = feature["properties"]
            self._dongs.append(LegalDong(str(props["EMD_CD"]), props["EMD_KOR_NM"], props["EMD_ENG_NM"]))
            geom = shape(feature["geometry"])
            prepare(geom)
            geoms.append(geom)
        self._geoms = geoms
        self._tree = STRtree(geoms)

    def dong_at(self, lat: float, lon: float) -> LegalDong | None:
        point = Point(lon, lat)
        for i in self._tree.query(point, predicate="intersects"):
            return self._dongs[int(i)]
        # Simplified boundaries leave slivers between neighbours: take the nearest within ~150 m.
        nearest = self._tree.query_nearest(point, max_distance=0.0015)
        return self._dongs[int(nearest[0])] if len(nearest) else None


@lru_cache(maxsize=2)
def _dong_index(path: str) -> DongIndex:
    return DongIndex(path)


def dong_at(lat: float, lon: float) -> LegalDong | None:
    return _dong_index(LEGAL_DONGS_FILE).dong_at(lat, lon)


def place_name(lat: float | None, lon: float | None, locale: str | None = None) -> str:
    """Where a point is, in words a citizen reads ("강서구 화곡동 부근", "near Hwagok-dong,
    Gangseo-gu"), from the bundled boundaries (no outside geocoder). Empty when there is no point;
    "서울 밖" / "outside Seoul" when it is not in the city."""
    from flask_babel import gettext

    if lat is None or lon is None:
        return ""
    if locale is None:
        from flask_babel import get_locale

        locale = str(get_locale())
    district = district_at(lat, lon)
    if district is None:
        return gettext("outside Seoul")
    dong = dong_at(lat, lon)
    if dong is None or dong.district_code != district.code:
        return gettext("near %(district)s", district=district.name(locale))
    if locale == "ko":
        return gettext("near %(dong)s, %(district)s", dong=dong.name_ko, district=district.name_ko)
    return gettext("near %(dong)s, %(district)s", dong=dong.name_en, district=district.name_en)
