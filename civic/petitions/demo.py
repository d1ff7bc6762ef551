"""Demo petitions of the demo citizen: one waiting, one answered (through the services)."""

from __future__ import annotations

from sqlalchemy import select

from civic.extensions import db
from civic.petitions import service, triage
from civic.petitions.models import Petition

PETITIONS = (
    ("parks", "놀이터 그네 줄이 끊어져 있어요",
     "망원한강공원 어린이 놀이터의 그네 줄 하나가 끊어져 있습니다. 아이들이 다칠까 걱정됩니다. 빠른 수리 부탁드립니다.",
     "11440", None),
    ("general", "주민센터 무인발급기 영문 안내가 필요합니다", "동 주민센터 무인민원발급기에 영어 안내가 없어 외국인 "
     "이웃들이 서류를 떼기 어려워합니다. 영문 안내문을 붙여 주시면 좋겠습니다.", None,
     "안녕하십니까. 말씀하신 무인민원발급기에 영문·중문 안내문을 이번 달 안에 부착하겠습니다. 소중한 의견 감사합니다."),
)


def seed_demo(people: dict) -> dict[str, int]:
    """Idempotent: does nothing when the first demo petition already exists."""
    if db.session.scalar(select(Petition.id).where(Petition.title == PETITIONS[0][1])) is not None:
        return {}
    citizen, admin = people["citizen"], people["admin"]
    for type_code, title, body, district, answer in PETITIONS:
        petition = service.file_petition(citizen, type_code=type_code, title=title, body=body, district=district)
        if answer:
            triage.answer(admin, petition.receipt_no, answer)
    return {"petitions": len(PETITIONS)}
