"""Default petition types. Existing rows (maybe edited by an admin) are left alone."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from civic.accounts.models import Department
from civic.db import unit_of_work
from civic.extensions import db
from civic.petitions.models import PetitionType

# code, Korean name, English name, default department, routed to the district office,
# working days (None: PETITIONS_DEFAULT_DEADLINE_DAYS), required fields, answer template
DEFAULT_TYPES = [
    ("road", "도로·보도 불편", "Roads and pavements", "ROADS", True, None, ["location"],
     "안녕하십니까. 귀하께서 신청하신 민원에 대하여 현장을 확인한 결과를 다음과 같이 알려드립니다.\n\n"),
    ("parking", "불법 주정차", "Illegal parking", "PARKING", True, 3, ["location"], ""),
    ("cleaning", "쓰레기·청소", "Rubbish and street cleaning", "CLEANING", True, None, ["location"], ""),
    ("noise", "소음·환경", "Noise and environment", "ENVIRONMENT", True, None, [], ""),
    ("parks", "공원·녹지", "Parks and green spaces", "PARKS", False, None, [], ""),
    ("traffic", "교통·대중교통", "Traffic and public transport", "TRAFFIC", False, None, [], ""),
    ("safety", "안전 위험 신고", "Safety hazard", "SAFETY", True, 3, ["location"], ""),
    ("housing", "주택·건축", "Housing and building", "HOUSING", False, 14, [], ""),
    ("welfare", "복지", "Welfare", "WELFARE", False, None, [], ""),
    ("accessibility", "장애인 편의", "Accessibility", "ACCESSIBILITY", False, None, [], ""),
    ("general", "일반 민원·제안", "General petition or suggestion", "CIVIL-AFFAIRS", False, None, [], ""),
]


def seed() -> int:
    existing = set(db.session.scalars(select(PetitionType.code)))
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    default_days = current_app.config["PETITIONS_DEFAULT_DEADLINE_DAYS"]
    added = 0
    with unit_of_work():
        for position, (code, ko, en, dept, by_district, days, required, template) in enumerate(DEFAULT_TYPES):
            if code in existing or dept not in departments:
                continue
            db.session.add(PetitionType(
                code=code, name_ko=ko, name_en=en, department=departments[dept],
                route_by_district=by_district, deadline_days=days or default_days,
                required_fields=required, answer_template=template, position=position,
            ))
            added += 1
    return added
