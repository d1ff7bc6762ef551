"""Where the places come from, for the open-data page: one row per imported source."""

from __future__ import annotations

from sqlalchemy import func, select

from civic.extensions import db
from civic.places.models import Place


def source_summary() -> list[dict]:
    """Each source with its category, how many places it gave and when it was last imported."""
    rows = db.session.execute(
        select(Place.source, Place.category, func.count(Place.id), func.max(Place.updated_at))
        .group_by(Place.source, Place.category).order_by(Place.category, Place.source)
    )
    return [{"source": source, "category": category, "count": count, "updated_at": updated_at}
            for source, category, count, updated_at in rows]
