"""Default departments: the city's divisions plus one office per district (구청)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from civic.accounts.models import Department
from civic.accounts.service import district_office_code
from civic.db import unit_of_work
from civic.extensions import db
from civic.geo import all_districts

DEPARTMENTS_FILE = Path(__file__).resolve().parent.parent / "data" / "departments.json"


def default_departments() -> list[dict]:
    rows = json.loads(DEPARTMENTS_FILE.read_text(encoding="utf-8"))
    for district in all_districts():
        rows.append({
            "code": district_office_code(district.code),
            "name_ko": f"{district.name_ko}청",
            "name_en": f"{district.name_en} Office",
        })
    return rows


def seed() -> int:
    """Insert missing departments; existing rows (maybe renamed by an admin) are left alone."""
    existing = set(db.session.scalars(select(Department.code)))
    added = 0
    with unit_of_work():
        for row in default_departments():
            if row["code"] not in existing:
                db.session.add(Department(**row))
                added += 1
    return added
