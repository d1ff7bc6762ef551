"""Default report services (with Open311 attributes) and routing rules. Idempotent: existing
rows, perhaps edited by an admin, are left alone."""

from __future__ import annotations

from sqlalchemy import select

from civic import geo
from civic.accounts.models import Department
from civic.accounts.service import district_office_code
from civic.db import unit_of_work
from civic.extensions import db
from civic.reports.catalogue import validate_attribute_definitions
from civic.reports.models import RoutingRule, Service


def _yes_no(code, en, ko, required=False, order=1):
    return {"code": code, "datatype": "singlevaluelist", "required": required, "order": order,
            "description": en, "description_ko": ko, "variable": True,
            "values": [{"key": "yes", "name": "Yes", "name_ko": "예"},
                       {"key": "no", "name": "No", "name_ko": "아니요"}]}


SERVICES = [
    {"code": "pothole", "name_ko": "도로 파손(포트홀)", "name_en": "Pothole",
     "description_ko": "차도나 보도의 움푹 팬 곳, 파손",
     "description_en": "A hole or broken surface in a road or pavement.",
     "group": "street", "keywords": "road, pothole, 도로", "expected_hours": 72,
     "attributes": [{"code": "SIZE", "datatype": "singlevaluelist", "required": True, "order": 1,
                     "description": "How big is it?", "description_ko": "크기는 어느 정도인가요?",
                     "values": [{"key": "small", "name": "Smaller than a hand", "name_ko": "손바닥보다 작음"},
                                {"key": "medium", "name": "Up to a car wheel", "name_ko": "자동차 바퀴 정도"},
                                {"key": "large", "name": "Larger than a car wheel", "name_ko": "바퀴보다 큼"}]},
                    _yes_no("ONROAD", "Is it on the roadway (not the pavement)?", "차도에 있나요?", order=2)]},
    {"code": "streetlight", "name_ko": "가로등 고장", "name_en": "Broken streetlight",
     "description_ko": "꺼지거나 깜박이는 가로등", "description_en": "A streetlight that is out or flickering.",
     "group": "street", "keywords": "light, lamp, 가로등", "expected_hours": 120,
     "attributes": [{"code": "POLE", "datatype": "string", "required": False, "order": 1,
                     "description": "Pole number, if visible", "description_ko": "전주 번호(보이면)"}]},
    {"code": "illegal_dumping", "name_ko": "쓰레기 무단투기", "name_en": "Illegal dumping",
     "description_ko": "무단으로 버려진 쓰레기·대형폐기물",
     "description_en": "Rubbish or bulky waste dumped illegally.",
     "group": "sanitation", "keywords": "rubbish, waste, 쓰레기", "expected_hours": 48,
     "attributes": [_yes_no("BULKY", "Is there furniture or other bulky waste?", "가구 등 대형폐기물이 있나요?")]},
    {"code": "illegal_parking", "name_ko": "불법 주정차", "name_en": "Illegal parking",
     "description_ko": "소화전·횡단보도·어린이보호구역 등의 불법 주정차",
     "description_en": "Vehicles parked at hydrants, crossings, school zones and the like.",
     "group": "traffic", "keywords": "parking, car, 주차", "expected_hours": 24,
     "attributes": [{"code": "PLATE", "datatype": "string", "required": False, "order": 1,
                     "description": "Number plate", "description_ko": "차량 번호"}]},
    {"code": "accessibility", "name_ko": "보행 장애물(접근성)", "name_en": "Accessibility barrier",
     "description_ko": "휠체어·유모차 통행을 막는 턱, 끊긴 점자블록 등",
     "description_en": "Kerbs, blocked ramps or broken tactile paving that stop wheelchairs and prams.",
     "group": "street", "keywords": "wheelchair, ramp, 휠체어, 점자블록", "expected_hours": 168, "attributes": []},
    {"code": "graffiti", "name_ko": "낙서", "name_en": "Graffiti",
     "description_ko": "공공시설의 낙서", "description_en": "Graffiti on public property.",
     "group": "sanitation", "keywords": "graffiti, 낙서", "expected_hours": 168,
     "attributes": [_yes_no("OFFENSIVE", "Is it offensive?", "불쾌한 내용인가요?")]},
    {"code": "fallen_tree", "name_ko": "쓰러진 나무", "name_en": "Fallen tree",
     "description_ko": "쓰러지거나 부러진 가로수", "description_en": "A fallen or broken street tree.",
     "group": "parks", "keywords": "tree, 나무", "expected_hours": 24,
     "attributes": [_yes_no("BLOCKING", "Is it blocking a road or path?", "길을 막고 있나요?", required=True)]},
    {"code": "flooding", "name_ko": "침수·배수 불량", "name_en": "Flooding",
     "description_ko": "도로 침수, 막힌 빗물받이", "description_en": "Flooded road or blocked drain.",
     "group": "water", "keywords": "flood, drain, 침수, 빗물받이", "expected_hours": 12, "attributes": []},
]

# service code -> city division; "" service = any. District offices handle dumping and graffiti
# (routing by district falls back to the district office when no rule matches).
CITY_RULES = {
    "pothole": "ROADS", "streetlight": "ROADS", "illegal_parking": "PARKING", "accessibility": "ACCESSIBILITY",
    "fallen_tree": "PARKS", "flooding": "WATER",
}
DISTRICT_SERVICES = ("illegal_dumping", "graffiti")


def seed() -> int:
    added = 0
    existing_services = set(db.session.scalars(select(Service.code)))
    departments = {d.code: d for d in db.session.scalars(select(Department))}
    existing_rules = {(r.service_code, r.district_code) for r in db.session.scalars(select(RoutingRule))}
    with unit_of_work():
        for row in SERVICES:
            if row["code"] not in existing_services:
                db.session.add(Service(**{**row, "attributes": validate_attribute_definitions(row["attributes"])}))
                added += 1
        wanted = {(code, ""): dept for code, dept in CITY_RULES.items()}
        if departments:
            wanted.update({(code, d.code): district_office_code(d.code)
                           for code in DISTRICT_SERVICES for d in geo.all_districts()})
        for key, dept_code in wanted.items():
            if key not in existing_rules and dept_code in departments:
                db.session.add(RoutingRule(service_code=key[0], district_code=key[1],
                                           department=departments[dept_code]))
                added += 1
    return added
