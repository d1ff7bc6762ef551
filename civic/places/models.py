from __future__ import annotations

import json
import math
from datetime import datetime

from sqlalchemy import JSON, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from civic.db import IdMixin, utcnow
from civic.extensions import Model
from civic.places.matching import dial_number

# Rows are grouped in latitude bands of 0.01° (about 1.1 km): the nearby query reads a few
# bands, each as one index range on longitude, instead of scanning the table. The index also
# holds lat (and, in SQLite, the rowid id), so candidates are read from the index alone.
BAND_PER_DEGREE = 100

# "exact": the source gives the facility's own coordinates. "dong": placed at the legal dong
# (법정동) named in its address; pages never draw it as a precise pin.
PRECISIONS = ("exact", "dong")

# The properties of a GeoJSON feature that only change when the row does; stored serialised
# with the row so the nearby answer splices them instead of building objects per request.
STATIC_PROPERTIES = ("category", "name", "address", "district_code", "phone", "hours", "attributes",
                     "details", "location_precision", "source", "source_id")


def lat_band(lat: float) -> int:
    return math.floor(lat * BAND_PER_DEGREE)


# The version of ``serialise_properties``: bump it whenever what it writes changes, and
# ``flask places refresh-properties`` (run in the release phase) rewrites every older row.
PROPERTIES_VERSION = 1


def serialise_properties(values: dict, updated_at: datetime) -> str:
    """The stored JSON of a row's static feature properties (see ``STATIC_PROPERTIES``)."""
    properties = {name: values.get(name) for name in STATIC_PROPERTIES}
    properties["attributes"] = properties["attributes"] or {}
    properties["details"] = properties["details"] or {}
    properties["location_precision"] = properties["location_precision"] or "exact"
    properties["tel"] = dial_number(properties["phone"])
    properties["updated_at"] = updated_at.isoformat()
    return json.dumps(properties, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _lat_band_on_insert(context) -> int:
    # Rows written by a bulk ``insert(Place)`` (the importer) get their band here.
    return lat_band(context.get_current_parameters()["lat"])


class Place(IdMixin, Model):
    """A public facility. ``category`` is free text checked against ``PLACES_CATEGORIES``, so a
    new category needs configuration, not code."""

    __tablename__ = "places"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_places_source_source_id"),
        Index("ix_places_category_band_lon", "category", "lat_band", "lon", "lat"),
        Index("ix_places_band_lon", "lat_band", "lon", "lat"),
        Index("ix_places_lon_lat", "lon", "lat"),
    )

    category: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    district_code: Mapped[str | None] = mapped_column(String(5), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # Derived from ``lat``, never set by hand: on insert by the column default, on every change
    # of ``lat`` through the ORM by ``_set_lat_band``.
    lat_band: Mapped[int] = mapped_column(Integer, default=_lat_band_on_insert)
    location_precision: Mapped[str] = mapped_column(String(8), default="exact", server_default="exact")
    phone: Mapped[str] = mapped_column(String(60), default="")
    hours: Mapped[dict | None] = mapped_column(JSON)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(60))
    source_id: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # serialise_properties() of this row, kept by the PlaceChanged handler (``properties.py``);
    # NULL only for rows written before it existed.
    properties_json: Mapped[str | None] = mapped_column(Text)
    # PROPERTIES_VERSION that wrote properties_json (0: before versions; refresh-properties rewrites it).
    properties_version: Mapped[int] = mapped_column(Integer, default=PROPERTIES_VERSION, server_default="0")

    @property
    def is_approximate(self) -> bool:
        return self.location_precision != "exact"

    def current_properties(self) -> str:
        """``serialise_properties`` of the row as it is now (writes nothing)."""
        return serialise_properties({name: getattr(self, name) for name in STATIC_PROPERTIES}, self.updated_at)

    def refresh_properties(self) -> str:
        """Only ``civic.places.properties`` calls this (on ``PlaceChanged`` and for new versions)."""
        self.properties_json = properties = self.current_properties()
        self.properties_version = PROPERTIES_VERSION
        return properties

    @validates("lat")
    def _set_lat_band(self, _key: str, lat: float) -> float:
        self.lat_band = lat_band(lat)
        return lat

    def __repr__(self) -> str:
        return f"<Place {self.id} {self.category} {self.name!r}>"
