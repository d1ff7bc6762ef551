"""Legal dongs (법정동): placing a facility known only by its address at the dong it names.

The city's pharmacy-hours list has addresses but no coordinates. Its addresses end with the
legal dong in brackets (``서울특별시 송파구 마천로57길 3, 1층 (마천동)``), so each row can be put at
a point inside that dong — good to a few hundred metres, and marked ``location_precision:
"dong"`` so pages never draw it as a precise pin. The dong boundaries are the 467 법정동 of the
bundled Seoul boundaries (``EMD_CD``, whose first five digits are the district's ``SIG_CD``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app
from shapely.geometry import Point, shape
from shapely.prepared import prep as prepared

from civic.geo import _index as district_index_at

DONGS_FILE = Path(__file__).resolve().parent.parent / "data" / "seoul_legal_dongs.geojson"

_BRACKETS = re.compile(r"\(([^()]*)\)")
_DONG_NAME = re.compile(r"^[가-힣0-9·]+(동|가|로[0-9]+가)$")


@dataclass(frozen=True)
class Dong:
    code: str
    name: str
    district_code: str
    lat: float
    lon: float


@lru_cache(maxsize=2)
def _dongs(path: str) -> dict[tuple[str, str], Dong]:
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    found = {}
    for feature in collection["features"]:
        props = feature["properties"]
        geometry = shape(feature["geometry"])
        point = geometry.centroid if geometry.contains(geometry.centroid) else geometry.representative_point()
        code = str(props["EMD_CD"])
        dong = Dong(code, props["EMD_KOR_NM"], code[:5], round(point.y, 7), round(point.x, 7))
        found[(dong.district_code, dong.name)] = dong
    return found


@lru_cache(maxsize=2)
def _dong_shapes(path: str) -> list:
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    dongs = _dongs(path)
    found = []
    for feature in collection["features"]:
        props = feature["properties"]
        dong = dongs.get((str(props["EMD_CD"])[:5], props["EMD_KOR_NM"]))
        if dong is not None:
            found.append((prepared(shape(feature["geometry"])), dong))
    return found


def dong_at(lat: float, lon: float, path: str | Path = DONGS_FILE) -> Dong | None:
    """The legal dong a point lies in, or None outside them all."""
    point = Point(lon, lat)
    return next((dong for geometry, dong in _dong_shapes(str(path)) if geometry.contains(point)), None)


@lru_cache(maxsize=2)
def _district_codes_by_name(path: str) -> dict[str, str]:
    return {d.name_ko: d.code for d in district_index_at(path).ordered()}


def dong_of_address(address: str | None, path: str | Path = DONGS_FILE) -> Dong | None:
    """The legal dong an address names (its district and the dong in brackets, or a dong-like
    word of a lot-number address), or None when the address does not name one of the city's."""
    if not address:
        return None
    text = str(address)
    words = text.replace(",", " ").split()
    districts = _district_codes_by_name(current_app.config["DISTRICTS_FILE"])
    district_code = next((districts[w] for w in words if w in districts), None)
    if district_code is None:
        return None
    dongs = _dongs(str(path))
    candidates = [part.split(",")[0].strip() for part in reversed(_BRACKETS.findall(text))]
    candidates += [w for w in words if _DONG_NAME.match(w)]
    for name in candidates:
        dong = dongs.get((district_code, name))
        if dong is not None:
            return dong
    return None
