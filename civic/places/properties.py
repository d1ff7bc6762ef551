"""The stored GeoJSON properties of a place follow its columns, through one path.

A change of a place's stored columns states ``civic.events.PlaceChanged``; the in-transaction
handler here rewrites ``properties_json`` in the same transaction, so no call site refreshes
it by hand. A change of the code that derives them bumps ``PROPERTIES_VERSION``, and
``flask places refresh-properties`` (release phase) rewrites every row of an older version.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from civic.db import unit_of_work
from civic.events import PlaceChanged
from civic.extensions import db
from civic.places.models import PROPERTIES_VERSION, Place

CHUNK = 1000


def on_place_changed(event: PlaceChanged) -> None:
    place = db.session.get(Place, event.place_id)
    if place is not None:  # removed in the same use case: nothing to keep
        place.refresh_properties()


def stale_ids(limit: int) -> list[int]:
    return list(db.session.scalars(
        select(Place.id).where(or_(Place.properties_version != PROPERTIES_VERSION, Place.properties_json.is_(None)))
        .order_by(Place.id).limit(limit)))


def refresh_stale() -> int:
    """Rewrite the properties of every row written by an older version (or before versions);
    returns how many. Chunked, one transaction per chunk, safe to run again."""
    done = 0
    while ids := stale_ids(CHUNK):
        with unit_of_work():
            for place in db.session.scalars(select(Place).where(Place.id.in_(ids))):
                place.refresh_properties()
        db.session.expunge_all()
        done += len(ids)
    return done
