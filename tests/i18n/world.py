"""A small city with one of everything, in Korean, made through the services: the pages tests
render every page over it. ``path_values`` fills each URL rule's arguments from it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.factories import make_user

FIXTURES = Path(__file__).resolve().parent.parent / "places" / "fixtures"
GANGNAM = (37.4979, 127.0276)


def seed_everything() -> None:
    import importlib
    import importlib.util

    from civic import installed_features

    for name in installed_features():
        if name == "places":
            continue  # the bundled files are large; a fixture file is enough here
        if importlib.util.find_spec(f"civic.{name}.seed") is not None:
            importlib.import_module(f"civic.{name}.seed").seed()


def build_world() -> dict:
    """Everything a page may show. Returns the users and the ids that URL rules take."""
    from civic.alerts import service as alerts
    from civic.db import utcnow
    from civic.notifications.service import notify
    from civic.participation import service as participation
    from civic.petitions import service as petitions
    from civic.places.importer import import_file
    from civic.reports import maps
    from civic.reports import service as reports

    seed_everything()
    import_file(FIXTURES / "toilet_seoul_list.csv", "toilet")
    citizen = make_user(email="citizen@example.org", name="김시민")
    other = make_user(email="other@example.org", name="이웃")
    staff = make_user("department_admin", "PARKS", email="staff@example.org", name="박공원")
    officer = make_user("alert_officer", email="officer@example.org", name="최안전")
    admin = make_user("admin", email="admin@example.org", name="관리자")

    petition = petitions.file_petition(citizen, type_code="parks", title="공원 벤치가 부서졌어요",
                                       body="어린이공원 입구의 벤치가 부서져 있습니다.")
    report = reports.create_report(service_code="pothole", location=reports.resolve_location(*GANGNAM),
                                   description="도로에 큰 구멍이 있습니다.", attributes={"SIZE": "small"},
                                   reporter=citizen)
    cmap = maps.create_map(citizen, "swimming", "휠체어로 갈 수 있는 화장실", "직접 가 본 곳만 올립니다.",
                           ["화장실"])
    maps.add_point(other, cmap, category="화장실", name="역 앞 화장실", lat=GANGNAM[0], lon=GANGNAM[1])
    staff_comm = make_user("staff", "CITIZEN-COMM", email="comm@example.org", name="정소통")
    poll = participation.create_poll(staff_comm, options=["찬성", "반대"],
                                     question_ko="한강 공원에 야간 조명을 늘릴까요?",
                                     question_en="More night lighting in Han River parks?",
                                     opens_at=utcnow() - timedelta(minutes=1), closes_at=utcnow() + timedelta(days=7))
    proposal = participation.create_proposal(citizen, title="버스 정류장에 그늘막을 설치해 주세요",
                                             body="여름철 버스를 기다리는 시민들이 햇볕에 오래 노출됩니다.",
                                             category="transport")
    participation.publish_proposal(staff_comm, proposal.id)
    participation.add_comment(other, proposal.id, "좋은 제안입니다.")
    alert = alerts.create_draft(officer, {
        "type": "heavy_rain", "level": "urgent", "districts": ["11680"], "headline_ko": "호우 경보",
        "body_ko": "저지대 침수 우려. 하천변 접근 금지.", "instruction_ko": "높은 곳으로 대피하세요.",
        "headline_en": "Heavy rain warning", "body_en": "Low-lying areas may flood.",
        "instruction_en": "Move to higher ground.", "expires_in_min": 120})
    alerts.send(officer, alert)
    draft = alerts.create_draft(officer, {
        "type": "heat_wave", "level": "safety", "districts": ["11110"], "headline_ko": "폭염 주의보",
        "body_ko": "한낮 야외 활동을 줄이세요.", "expires_in_min": 120})
    notify(citizen, "petition", "새 알림", "민원 답변이 등록되었습니다.", "/petitions")

    from civic.extensions import db
    from civic.places.models import Place

    place = db.session.scalars(db.select(Place).limit(1)).one()
    world = {
        "emails": {"citizen": citizen.email, "staff": staff.email, "officer": officer.email,
                   "admin": admin.email},
        "values": {
            "receipt_no": petition.receipt_no, "report_id": report.id, "slug": cmap.slug,
            "poll_id": poll.id, "proposal_id": proposal.id, "alert_id": alert.id, "place_id": place.id,
            "alert_type": "heavy_rain", "code": "parks", "msg_type": "Update",
        },
        "staff_values": {"alert_id": draft.id},
    }
    db.session.commit()  # no read transaction left open: SQLite would refuse the pages' writes
    db.session.close()
    return world
