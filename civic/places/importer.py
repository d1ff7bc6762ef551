"""``flask places import``: open-data files -> places, idempotently.

Each row is keyed by (source, source id) — or, when a source has no stable id, by a digest of
name + address — so a re-import updates changed rows and never duplicates. Rows are validated
and located before anything is written; the writes happen in one transaction, so a bad file
leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import insert, select

from civic import events
from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.geo import district_at, get_district, haversine_m
from civic.places import opening_hours
from civic.places.dongs import dong_of_address
from civic.places.mappings import ANY_KIND, KINDS, Format, geojson_format, value
from civic.places.matching import Matcher, clean_phone
from civic.places.models import Place, serialise_properties
from civic.places.readers import ImportFailed, read_records
from civic.places.refuge_formats import REFUGE_KINDS

SKIP_NO_NAME = "no name"
SKIP_NO_LOCATION = "no usable coordinates"
SKIP_OUTSIDE = "outside the city"
SKIP_DUPLICATE = "duplicate of an earlier row in the file"
SKIP_NO_DONG = "the address names no legal dong of the city"
SKIP_EXACT_KNOWN = "already placed exactly by another source"
SKIP_PLACEHOLDER = "placeholder coordinates (whole degrees)"
SKIP_SAME_PLACE = "the same facility as a row of another source (same name within 100 m)"
SAME_PLACE_M = 100
SHOWN_ROWS = 10
FIX_SWAPPED = "latitude and longitude were swapped"

COMPARED = ("category", "name", "address", "district_code", "lat", "lon", "location_precision",
            "phone", "hours", "attributes", "details")


@dataclass
class ImportSummary:
    kind: str
    format: str
    source: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    replaced: int = 0
    skipped: Counter = field(default_factory=Counter)
    fixed: Counter = field(default_factory=Counter)
    # reason -> the first data rows (1 = the first record) skipped for it
    skipped_rows: dict[str, list[int]] = field(default_factory=dict)

    def skip(self, reason: str, row: int) -> None:
        self.skipped[reason] += 1
        shown = self.skipped_rows.setdefault(reason, [])
        if len(shown) < SHOWN_ROWS:
            shown.append(row)

    def lines(self) -> list[str]:
        lines = [
            f"{self.rows} rows read as {self.format} (source {self.source!r}, kind {self.kind})",
            f"inserted {self.inserted}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {sum(self.skipped.values())}"
            + (f", replaced {self.replaced} approximate place(s)" if self.replaced else ""),
        ]
        for reason, n in self.skipped.most_common():
            rows = ", ".join(map(str, self.skipped_rows.get(reason, [])))
            more = ", …" if n > len(self.skipped_rows.get(reason, [])) else ""
            lines.append(f"  skipped {n}: {reason} (row {rows}{more})")
        lines += [f"  fixed {n}: {reason}" for reason, n in self.fixed.most_common()]
        return lines


def known_kinds() -> list[str]:
    return list(current_app.config["PLACES_CATEGORIES"])


def formats_for(kind: str) -> list[Format]:
    """The readers a kind accepts, in the order they are tried (LOCALDATA last)."""
    return KINDS.get(kind, []) + REFUGE_KINDS.get(kind, []) + ANY_KIND


def choose_format(kind: str, file_type: str, columns: list[str],
                  property_map: dict[str, str] | None = None) -> Format:
    if file_type == "geojson":
        fmt = geojson_format(kind, property_map)
        missing = [c if isinstance(c, str) else " / ".join(c) for c in fmt.required if c not in columns]
        if missing:
            raise ImportFailed(f"The GeoJSON features lack the property {', '.join(missing)}; "
                               "map it with --map name=PROPERTY.")
        return fmt
    formats = formats_for(kind)
    for fmt in formats:
        if _fits(fmt, columns):
            return fmt
    others = [k for k, fmts in {**KINDS, **REFUGE_KINDS}.items() if k != kind
              and any(_fits(f, columns) and f not in formats for f in fmts)]
    hint = f" It looks like a {others[0]!r} file." if others else ""
    missing = [c if isinstance(c, str) else " / ".join(c) for c in formats[0].required
               if not _present(c, columns)]
    raise ImportFailed(f"This is not a {kind!r} file: missing column(s) {', '.join(missing)}.{hint}")


def _present(required, columns) -> bool:
    return required in columns if isinstance(required, str) else any(c in columns for c in required)


def _fits(fmt: Format, columns: list[str]) -> bool:
    return all(_present(c, columns) for c in fmt.required)


def _float(raw) -> float | None:
    try:
        number = float(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _point(fmt: Format, record: dict, transformer) -> tuple[float, float] | None:
    if fmt.crs:
        x, y = _float(value(record, fmt.x)), _float(value(record, fmt.y))
        if x is None or y is None:
            return None
        lon, lat = transformer.transform(x, y)
        return lat, lon
    lat, lon = _float(value(record, fmt.lat)), _float(value(record, fmt.lon))
    if lat is None or lon is None or (lat == 0 and lon == 0):
        return None
    return lat, lon


def _locate(lat: float, lon: float, fixed: Counter):
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        district = district_at(lat, lon)
        if district is not None:
            return lat, lon, district
    if -90 <= lon <= 90 and -180 <= lat <= 180:
        district = district_at(lon, lat)
        if district is not None:
            fixed[FIX_SWAPPED] += 1
            return lon, lat, district
    return None


def _key(fmt: Format, record: dict, name: str, address: str, lat: float, lon: float) -> str:
    source_id = value(record, fmt.id)
    if source_id is not None:
        return str(source_id)[:200]
    basis = f"{name}|{address}" if address else f"{name}|{lat:.5f},{lon:.5f}"
    return "na:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()


def _place_at_dong(address: str):
    dong = dong_of_address(address)
    if dong is None:
        return None
    return dong.lat, dong.lon, get_district(dong.district_code)


def _row(fmt: Format, kind: str, record: dict, number: int, transformer, summary: ImportSummary,
         data_date: str | None) -> tuple[str, dict] | None:
    name = value(record, fmt.name_field)
    if not name:
        summary.skip(SKIP_NO_NAME, number)
        return None
    reason = fmt.status(record) if fmt.status else None
    if reason:
        summary.skip(reason, number)
        return None
    address = str(value(record, fmt.address) or "")[:300]
    if fmt.locate_by_address:
        located = _place_at_dong(address)
        if located is None or located[2] is None:
            summary.skip(SKIP_NO_DONG, number)
            return None
        precision = "dong"
    else:
        point = _point(fmt, record, transformer)
        if point is None:
            summary.skip(SKIP_NO_LOCATION, number)
            return None
        if all(float(c).is_integer() for c in point):
            summary.skip(SKIP_PLACEHOLDER, number)  # 37.0 / 127.0: a stand-in, not a place
            return None
        located = _locate(*point, summary.fixed)
        if located is None:
            summary.skip(SKIP_OUTSIDE, number)
            return None
        precision = "exact"
    lat, lon, district = round(located[0], 7), round(located[1], 7), located[2]
    hours = opening_hours.check(fmt.hours(record) if fmt.hours else None)
    if hours is None and kind == "emergency_room":
        hours = opening_hours.always_open("응급실 24시간")  # open around the clock by law
    attributes = {name_: flag for name_, read in fmt.attributes.items() if (flag := read(record)) is not None}
    attributes.update(opening_hours.derived_attributes(hours))
    details = {k: str(v) for k, spec in fmt.details.items() if (v := value(record, spec))}
    owner = value(record, fmt.phone_owner)
    if owner and value(record, fmt.phone):
        details["phone_owner"] = str(owner)[:100]
    row_date = value(record, fmt.data_date) or data_date
    if row_date:
        details.setdefault("data_date", str(row_date))
    values = {
        "category": kind,
        "name": str(name)[:200],
        "address": address,
        "district_code": district.code,
        "lat": lat,
        "lon": lon,
        "location_precision": precision,
        "phone": clean_phone(value(record, fmt.phone)),
        "hours": hours,
        "attributes": attributes,
        "details": details,
    }
    return _key(fmt, record, values["name"], address, lat, lon), values


def import_file(path: str | Path, kind: str, *, property_map: dict[str, str] | None = None,
                progress: Callable[[int, int], None] | None = None,
                data_date: str | None = None) -> ImportSummary:
    """Import one open-data file as places of ``kind``. Raises ``ImportFailed`` (nothing written)
    for an unknown kind, an unreadable file or one that lacks the kind's columns. ``data_date``
    (e.g. ``2024-06``) is when the file's data was current, for rows that do not carry one."""
    if kind not in known_kinds():
        raise ImportFailed(f"Unknown kind {kind!r}; known kinds: {', '.join(known_kinds())}.")
    file_type, columns, records = read_records(path)
    fmt = choose_format(kind, file_type, columns, property_map)
    source = fmt.source.format(kind=kind)
    summary = ImportSummary(kind=kind, format=fmt.name, source=source, rows=len(records))
    transformer = None
    if fmt.crs:
        from pyproj import Transformer

        transformer = Transformer.from_crs(fmt.crs, "EPSG:4326", always_xy=True)

    rows: dict[str, dict] = {}
    total = len(records)
    for i, record in enumerate(records, 1):
        result = _row(fmt, kind, record, i, transformer, summary, data_date)
        if result is not None:
            key, values = result
            if key in rows:
                summary.skip(SKIP_DUPLICATE, i)
            else:
                values["row"] = i
                rows[key] = values
        if progress and (i % 500 == 0 or i == total):
            progress(i, total)

    with unit_of_work():
        _write(rows, source, kind, summary)
    return summary


def _borrow_hours(values: dict, hours: dict | None, source: str, hours_date: str | None = None) -> None:
    """Give a row without opening hours those of the same facility from another source (and
    when those hours were current, which may be years older than the row)."""
    if values["hours"] is None and hours:
        values["hours"] = opening_hours.check(hours)
        values["attributes"] = {**values["attributes"], **opening_hours.derived_attributes(values["hours"])}
        values["details"] = {**values["details"], "hours_source": source}
        if hours_date:
            values["details"]["hours_date"] = hours_date


def _plain_name(name: str) -> str:
    return "".join(str(name or "").split()).lower()


def _same_place(exact_by_name: dict[str, list[Place]], values: dict) -> Place | None:
    """An exact place of another source with the same name within ``SAME_PLACE_M``: the same
    hospital from two lists appears once."""
    for other in exact_by_name.get(_plain_name(values["name"]), []):
        if haversine_m(other.lat, other.lon, values["lat"], values["lon"]) <= SAME_PLACE_M:
            return other
    return None


def _write(rows: dict[str, dict], source: str, kind: str, summary: ImportSummary) -> None:
    existing = {p.source_id: p for p in db.session.scalars(select(Place).where(Place.source == source))}
    others = db.session.scalars(select(Place).where(Place.category == kind, Place.source != source)).all()
    approximate = Matcher(p for p in others if p.location_precision != "exact")
    exact = Matcher(p for p in others if p.location_precision == "exact")
    exact_by_name: dict[str, list[Place]] = {}
    for other in others:
        if other.location_precision == "exact":
            exact_by_name.setdefault(_plain_name(other.name), []).append(other)
    now = utcnow()
    new_rows = []
    for key, values in rows.items():
        number = values.pop("row")
        place = existing.get(key)
        if values["location_precision"] == "exact":
            if place is None and _same_place(exact_by_name, values) is not None:
                summary.skip(SKIP_SAME_PLACE, number)
                continue
            twin = approximate.find(values["name"], values["phone"], values["address"])
            if twin is not None and twin in db.session:
                _borrow_hours(values, twin.hours, twin.source, (twin.details or {}).get("data_date"))
                db.session.delete(twin)
                summary.replaced += 1
            elif place is not None and place.details.get("hours_source"):
                _borrow_hours(values, place.hours, place.details["hours_source"], place.details.get("hours_date"))
        elif place is None:
            twin = exact.find(values["name"], values["phone"], values["address"])
            if twin is not None:
                if twin.hours is None and values["hours"]:
                    borrowed = {name: getattr(twin, name) for name in ("hours", "attributes", "details")}
                    _borrow_hours(borrowed, values["hours"], source, values["details"].get("data_date"))
                    for name, value_ in borrowed.items():
                        setattr(twin, name, value_)
                    events.emit(events.PlaceChanged(twin.id))
                summary.skip(SKIP_EXACT_KNOWN, number)
                continue
        if place is None:
            new_rows.append({**values, "source": source, "source_id": key, "updated_at": now,
                             "properties_json": serialise_properties({**values, "source": source,
                                                                      "source_id": key}, now)})
            continue
        if place.properties_json and all(getattr(place, name) == values[name] for name in COMPARED):
            summary.unchanged += 1
            continue
        for name in COMPARED:
            setattr(place, name, values[name])
        place.updated_at = now
        events.emit(events.PlaceChanged(place.id))
        summary.updated += 1
    db.session.flush()
    for start in range(0, len(new_rows), 2000):
        db.session.execute(insert(Place), new_rows[start:start + 2000])
    summary.inserted = len(new_rows)
