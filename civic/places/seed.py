"""The bundled Seoul data, so a fresh install answers "what is near me" at once."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

DATA = Path(__file__).resolve().parent / "data"

# (file, kind): third-party copies of Seoul / national open data (see docs/places.md).
BUNDLED = (
    ("seoul_toilets.csv", "toilet"),
    ("seoul_wifi.csv", "wifi"),
    ("emergency_rooms.csv", "emergency_room"),
    ("moonlight_hospitals.json", "hospital"),
    ("seongbuk_pharmacies.csv", "pharmacy"),
)


def seed() -> int:
    """Import every bundled file (or ``PLACES_SEED_FILES``: "path:kind,path:kind"); returns
    how many places were added. Idempotent: a second run adds nothing."""
    from civic.places.importer import import_file

    configured = current_app.config["PLACES_SEED_FILES"]
    if configured:
        files = [tuple(item.rsplit(":", 1)) for item in configured]
    else:
        files = [(str(DATA / name), kind) for name, kind in BUNDLED]
    added = 0
    for path, kind in files:
        if Path(path).exists():
            added += import_file(path, kind).inserted
    return added
