"""Demo petitions, made through the services as people would: the demo citizen's (one waiting,
one answered), road petitions that reach 도로관리과 (the demo staff member's queue) the way real
ones do, and that department's canned answers."""

from __future__ import annotations

from sqlalchemy import select

from civic.db import clock_at
from civic.demo import at_local
from civic.extensions import db
from civic.petitions import answer_templates, service, triage
from civic.petitions.models import Petition
from civic.timezone import local_now

# Each petition is filed, and each step taken, at its own time (working days before the demo is
# loaded, local HH:MM), so deadlines, the timeline and the desk's "received" column read as they would.
# type, title, body, district, answer, filed, answered
PETITIONS = (
    ("parks", "놀이터 그네 줄이 끊어져 있어요",
     "망원한강공원 어린이 놀이터의 그네 줄 하나가 끊어져 있습니다. 아이들이 다칠까 걱정됩니다. 빠른 수리 부탁드립니다.",
     "11440", None, (2, "22:13"), None),
    ("general", "주민센터 무인발급기 영문 안내가 필요합니다", "동 주민센터 무인민원발급기에 영어 안내가 없어 외국인 "
     "이웃들이 서류를 떼기 어려워합니다. 영문 안내문을 붙여 주시면 좋겠습니다.", None,
     "안녕하십니까. 말씀하신 무인민원발급기에 영문·중문 안내문을 이번 달 안에 부착하겠습니다. 소중한 의견 감사합니다.",
     (6, "10:31"), (2, "16:45")),
)
# Road petitions go to the district office (구청) first, as the routing rules say; the office
# hands arterial roads (width 20 m or more, managed by the city) over to 도로관리과.
# title, district, (lat, lon), body, taken by the staff member, filed, transferred (and taken)
ROAD_PETITIONS = (
    ("강남대로 중앙차로 정류장 앞 도로가 갈라졌습니다", "11650", (37.4979, 127.0276),
     "강남역 중앙버스차로 정류장 앞 차도에 길게 금이 가 있고 일부가 떨어져 나갔습니다. 버스가 지날 때마다 "
     "파편이 튑니다.", False, (1, "08:52"), (1, "11:20")),
    ("세종대로 보도 경계석이 들떠 있습니다", "11110", (37.5716, 126.9769),
     "광화문 사거리 동측 보도의 경계석이 들떠 있어 유모차 바퀴가 걸립니다. 밤에는 잘 보이지 않아 위험합니다.", True,
     (3, "14:07"), (2, "09:35")),
)
TRANSFER_REASON = "폭 20m 이상 간선도로는 서울시 도로관리과가 관리합니다."
TEMPLATES = (
    ("현장 확인 후 보수 예정", "{name}님, 안녕하십니까. 도로관리과입니다.\n\n접수번호 {receipt_no} 민원에 대해 "
     "현장을 확인했습니다. 보수 공사를 일정에 넣었으며, 공사 전까지 안전 표지를 설치하겠습니다.\n\n"
     "불편을 드려 죄송합니다."),
    ("보수 완료 안내", "{name}님, 안녕하십니까. 도로관리과입니다.\n\n접수번호 {receipt_no} 민원으로 알려 주신 곳의 "
     "보수를 마쳤습니다. 같은 곳에 다시 문제가 생기면 알려 주십시오.\n\n감사합니다."),
    ("구청 소관 안내", "{name}님, 안녕하십니까.\n\n접수번호 {receipt_no} 민원의 도로는 폭 20m 미만으로 구청이 "
     "관리하는 도로입니다. 해당 구청으로 이송하여 처리하도록 하겠습니다."),
)


def _citizen_petitions(people: dict) -> int:
    citizen, admin = people["citizen"], people["admin"]
    today = local_now().date()
    for type_code, title, body, district, answer, filed, answered in PETITIONS:
        with clock_at(at_local(today, -filed[0], filed[1], working=True)):
            petition = service.file_petition(citizen, type_code=type_code, title=title, body=body,
                                             district=district)
        if answer and answered:
            with clock_at(at_local(today, -answered[0], answered[1], working=True)):
                triage.answer(admin, petition.receipt_no, answer)
    return len(PETITIONS)


def _road_petitions(people: dict) -> int:
    citizen, admin, staff = people["citizen"], people["admin"], people["staff"]
    today = local_now().date()
    for title, district, (lat, lon), body, take, filed, moved in ROAD_PETITIONS:
        with clock_at(at_local(today, -filed[0], filed[1], working=True)):
            petition = service.file_petition(citizen, type_code="road", title=title, body=body, district=district,
                                             lat=lat, lon=lon)
        with clock_at(at_local(today, -moved[0], moved[1], working=True)):
            if petition.department.code != "ROADS" and staff.department is not None:
                triage.transfer(admin, petition.receipt_no, staff.department.code, TRANSFER_REASON)
            if take and service.is_handling_staff(staff, petition):
                triage.assign(staff, petition.receipt_no, staff.id)
    return len(ROAD_PETITIONS)


def _templates(people: dict) -> int:
    staff = people["staff"]
    if staff.department is None:
        return 0
    for title, body in TEMPLATES:
        answer_templates.create(staff, title, body)
    return len(TEMPLATES)


def seed_demo(people: dict) -> dict[str, int]:
    """Idempotent: each part does nothing when its first item already exists."""
    added = {}
    if db.session.scalar(select(Petition.id).where(Petition.title == PETITIONS[0][1])) is None:
        added["petitions"] = _citizen_petitions(people)
    if db.session.scalar(select(Petition.id).where(Petition.title == ROAD_PETITIONS[0][0])) is None:
        added["petitions"] = added.get("petitions", 0) + _road_petitions(people)
        added["answer_templates"] = _templates(people)
    return added
