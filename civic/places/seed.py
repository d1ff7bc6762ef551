"""The bundled Seoul data, so a fresh install answers "what is near me" at once."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

DATA = Path(__file__).resolve().parent / "data"

# (file, kind, when its data was current): third-party copies of Seoul / national open data
# (see docs/places.md). Order matters: the pharmacy-hours list (placed at legal dongs) comes
# before the pharmacies with their own coordinates, which replace their approximate twins.
BUNDLED = (
    ("seoul_toilets.csv.gz", "toilet", "2025-06"),
    ("seoul_wifi.csv", "wifi", "2024-12"),
    ("emergency_rooms.csv", "emergency_room", "2024"),
    ("moonlight_hospitals.json", "hospital", "2024"),
    ("seoul_localdata_hospitals.csv", "hospital", "2022-11"),
    ("nemc_seoul_institutions.csv", "hospital", "2024-11"),
    ("seoul_pharmacy_hours.csv.gz", "pharmacy", "2021"),
    ("localdata_pharmacies_seoul_2026.csv.gz", "pharmacy", "2026-04"),
    ("seoul_flood_shelters.json.gz", "flood_shelter", "2025-04"),
    ("seoul_earthquake_outdoor_sites_2025.csv.gz", "earthquake_site", "2025"),
    ("seoul_heat_shelters_2026.csv.gz", "heat_shelter", "2026"),
    ("seoul_cold_shelters_2024-25.json.gz", "cold_shelter", "2024-11"),
    ("seoul_climate_companion_shelters_2024.csv.gz", "climate_shelter", "2024"),
    ("civil_defence_shelters_localdata_2026.csv.gz", "civil_defence_shelter", "2026-04"),
)


def seed() -> int:
    """Import every bundled file (or ``PLACES_SEED_FILES``: "path:kind,path:kind"); returns
    how many places were added. Idempotent: a second run adds nothing."""
    from civic.places.importer import import_file

    configured = current_app.config["PLACES_SEED_FILES"]
    if configured:
        files = [(*item.rsplit(":", 1), None) for item in configured]
    else:
        files = [(str(DATA / name), kind, date) for name, kind, date in BUNDLED]
    added = 0
    for path, kind, date in files:
        if Path(path).exists():
            summary = import_file(path, kind, data_date=date)
            added += summary.inserted - summary.replaced  # a replaced approximate twin is gone
    return added
