"""Demo street reports in each state and two themed community maps with points, made through
the services (routing, moderation and updates as a citizen would see them)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from civic.db import clock_at
from civic.demo import at_local
from civic.extensions import db
from civic.reports import handling, maps, service
from civic.reports.models import CommunityMap
from civic.timezone import is_working_day, local_now

# service, (lat, lon), address, description, attributes, filed (working days ago, local HH:MM),
# [(status, update text, close reason, posted (days ago, HH:MM))]. Each report is filed, and each
# update posted, at its own time in the days before the demo is loaded ({work_day}: a working day
# ahead of that day, so the update never announces works on a date already past).
DemoUpdate = tuple[str, str, str | None, tuple[int, str]]
DemoReport = tuple[str, tuple[float, float], str, str, dict[str, str], tuple[int, str], list[DemoUpdate]]
REPORTS: tuple[DemoReport, ...] = (
    ("pothole", (37.4981, 127.0276), "강남대로 강남역 버스정류장 앞",
     "버스정류장 바로 앞 차도가 움푹 패어 있어 버스가 설 때마다 물이 튑니다.", {"SIZE": "medium", "ONROAD": "yes"},
     (1, "08:14"), []),
    ("streetlight", (37.5559, 126.9368), "연세로 7길 골목",
     "골목 가로등이 사흘째 꺼져 있어 밤에 많이 어둡습니다.", {"POLE": "서대문 12-3"}, (3, "21:37"),
     [("acknowledged", "신고 감사합니다. 이번 주 안에 현장을 확인하겠습니다.", None, (2, "10:05"))]),
    ("pothole", (37.5704, 126.9920), "종로3가역 4번 출구 앞 보도",
     "보도블록이 깨져 휠체어 바퀴가 걸립니다.", {"SIZE": "large", "ONROAD": "no"}, (6, "13:20"),
     [("acknowledged", "현장을 확인했습니다.", None, (5, "09:48")),
      ("in_progress", "{work_day}에 보도블록 교체 공사를 합니다. 공사 중에는 우회해 주세요.", None, (1, "16:30"))]),
    ("streetlight", (37.5563, 126.9220), "홍익로 어린이공원 입구",
     "공원 입구 가로등이 깜박입니다.", {}, (9, "19:02"),
     [("closed", "가로등 안정기와 전구를 교체했습니다. 다시 고장 나면 신고해 주세요.", "fixed", (4, "15:11"))]),
    ("flooding", (37.5720, 126.9769), "세종대로 광화문광장 동측 횡단보도",
     "비가 오면 횡단보도 앞 빗물받이가 막혀 물웅덩이가 생깁니다.", {}, (2, "07:55"), []),
    ("illegal_dumping", (37.4836, 126.9310), "신림로 골목 전봇대 옆",
     "매트리스와 의자가 일주일째 버려져 있습니다.", {"BULKY": "yes"}, (4, "11:26"),
     [("acknowledged", "대형폐기물 수거를 요청했습니다.", None, (3, "14:40"))]),
)
WEEKDAYS_KO = "월화수목금토일"


def work_day(today: date) -> str:
    """The second working day after ``today``, as Korean text: "12월 10일(목)"."""
    day, left = today, 2
    while left:
        day += timedelta(days=1)
        left -= is_working_day(day)
    return f"{day.month}월 {day.day}일({WEEKDAYS_KO[day.weekday()]})"


MAPS = (
    ("휠체어로 갈 수 있는 화장실",
     "휠체어를 타고 실제로 들어가 본 화장실, 경사로, 엘리베이터를 모읍니다. 문 폭과 손잡이 위치도 적어 주세요.",
     ["장애인 화장실", "경사로 입구", "엘리베이터"],
     (("장애인 화장실", "서울시청 본관 1층 장애인 화장실", 37.5663, 126.9779, "자동문, 손잡이 양쪽. 평일 7~22시."),
      ("엘리베이터", "광화문역 5번 출구 엘리베이터", 37.5714, 126.9768, "광장 쪽으로 바로 나옵니다."),
      ("경사로 입구", "서울도서관 경사로 입구", 37.5658, 126.9776, "정문 오른쪽 완만한 경사로."),
      ("장애인 화장실", "덕수궁 대한문 옆 공중화장실", 37.5657, 126.9752, "칸이 넓고 비상벨이 있습니다."),
      ("엘리베이터", "시청역 1번 출구 엘리베이터", 37.5652, 126.9769, ""))),
    ("여성 안심 귀갓길",
     "밤늦게 집에 갈 때 도움이 되는 곳: 안심벨, 밝은 길, 24시간 여는 가게, 지구대.",
     ["안심벨", "밝은 가로등", "24시 편의점", "지구대·파출소"],
     (("안심벨", "신림역 3번 출구 앞 안심벨", 37.4846, 126.9297, "누르면 관제센터와 바로 연결됩니다."),
      ("밝은 가로등", "신림로 골목 LED 가로등 구간", 37.4826, 126.9285, "약 200m가 밝습니다."),
      ("24시 편의점", "여성안심지킴이집 편의점", 37.4836, 126.9312, "위급할 때 들어가 도움을 청할 수 있습니다."),
      ("지구대·파출소", "신림역 인근 지구대", 37.4851, 126.9271, ""))),
)
PENDING_POINT = ("장애인 화장실", "을지로입구역 장애인 화장실", 37.5660, 126.9826, "직접 확인 부탁드립니다.")


def _reports(people, crowd) -> int:
    staff, admin = people["staff"], people["admin"]
    reporters = [people["citizen"]] + crowd[:3]
    today = local_now().date()
    for n, (code, (lat, lon), address, text, attributes, (days, clock), updates) in enumerate(REPORTS):
        with clock_at(at_local(today, -days, clock, working=True)):
            report = service.create_report(service_code=code, location=service.resolve_location(lat, lon, address),
                                           description=text, attributes=attributes,
                                           reporter=reporters[n % len(reporters)])
        handler = staff if handling.can_manage(staff, report) else admin
        for status, update, reason, (days, clock) in updates:
            with clock_at(at_local(today, -days, clock, working=True)):
                handling.post_update(handler, report, update.format(work_day=work_day(today)), status, reason)
    return len(REPORTS)


def _maps(people, crowd) -> int:
    owner = people["citizen"]
    for title, description, categories, points in MAPS:
        cmap = maps.create_map(owner, None, title, description, categories, "open")
        for category, name, lat, lon, note in points:
            maps.add_point(owner, cmap, category=category, name=name, lat=lat, lon=lon, note=note)
        if title == MAPS[0][0]:
            category, name, lat, lon, note = PENDING_POINT
            maps.add_point(crowd[0], cmap, category=category, name=name, lat=lat, lon=lon, note=note)
    return len(MAPS)


def seed_demo(people: dict) -> dict[str, int]:
    """Idempotent: does nothing when the first demo map already exists."""
    from civic.accounts.demo import neighbours

    if db.session.scalar(select(CommunityMap.id).where(CommunityMap.title == MAPS[0][0])) is not None:
        return {}
    crowd = neighbours(5)
    return {"reports": _reports(people, crowd), "maps": _maps(people, crowd)}
