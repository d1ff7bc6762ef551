"""A few past (expired) alerts for the history. The service only sends alerts now, so these rows
are written as a send would have left them: sent by the demo alert officer, delivered to nobody."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from civic.alerts import banner
from civic.alerts.models import Alert
from civic.db import unit_of_work
from civic.demo import at_local
from civic.extensions import db
from civic.geo import all_districts
from civic.timezone import local_now

# Past alerts that fit the season of the day the demo is loaded (no heat wave in November):
# months it can happen in, days ago, local time sent, hours in force, type, level, districts
# (None: all), Korean and English texts.
SUMMER, WINTER, DUST = (6, 7, 8, 9), (11, 12, 1, 2, 3), (11, 12, 1, 2, 3, 4, 5)
PAST_ALERTS = (
    (SUMMER, 3, "05:40", 6, "heavy_rain", "urgent", ["11680", "11650"],
     ("호우 경보", "강남구·서초구에 시간당 50mm 이상의 강한 비가 내리고 있습니다. 하천변과 지하차도 이용을 삼가세요.",
      "저지대·반지하 주택은 침수에 대비하고, 하천변 산책로에 들어가지 마세요."),
     ("Heavy rain warning", "More than 50 mm an hour is falling in Gangnam-gu and Seocho-gu. Keep away from "
      "streams and underpasses.", "In low-lying and semi-basement homes, prepare for flooding; stay off "
      "riverside paths.")),
    (WINTER, 2, "06:10", 12, "heavy_snow", "safety", None,
     ("대설 주의보", "오늘 밤까지 서울 전역에 5~10cm의 눈이 예상됩니다. 출근길 빙판길에 주의하세요.",
      "대중교통을 이용하고, 내 집 앞 눈은 함께 치워 주세요."),
     ("Heavy snow advisory", "5 to 10 cm of snow is expected across Seoul until tonight. Roads may be icy.",
      "Take public transport, and clear the snow in front of your home.")),
    (DUST, 5, "17:25", 24, "fine_dust", "safety", None,
     ("미세먼지 비상저감조치 시행", "초미세먼지 농도가 높아 내일 06시부터 21시까지 비상저감조치가 시행됩니다.",
      "외출을 줄이고, 외출할 때는 보건용 마스크(KF80 이상)를 쓰세요."),
     ("Fine dust emergency measures", "Fine dust is high: emergency reduction measures apply tomorrow from "
      "06:00 to 21:00.", "Go out less; wear a KF80 or better mask outdoors.")),
    (tuple(range(1, 13)), 10, "14:52", 3, "fire", "urgent", ["11110"],
     ("종로구 화재 발생",
      "종로구 창신동 상가 건물에서 화재가 발생했습니다. 인근 주민은 창문을 닫고 현장 접근을 삼가세요.",
      "연기를 마시지 않도록 젖은 수건으로 코와 입을 막으세요."),
     ("Fire in Jongno-gu", "A fire broke out in a shopping building in Changsin-dong. Residents nearby should "
      "close their windows and keep away.", "Cover your nose and mouth with a wet cloth to avoid smoke.")),
    (SUMMER, 21, "11:03", 12, "heat_wave", "safety", None,
     ("폭염 주의보", "낮 최고 체감온도 33도 이상이 예상됩니다.", "낮 12시~17시 야외 활동을 줄이고 물을 자주 드세요."),
     ("Heat wave advisory", "Felt temperatures of 33 °C and above are expected.",
      "Avoid outdoor activity from 12:00 to 17:00 and drink water often.")),
)


def seasonal_alerts(today) -> list[tuple]:
    """The demo alerts that could have been sent in the weeks before ``today`` (local date)."""
    return [row for row in PAST_ALERTS if (today - timedelta(days=row[1])).month in row[0]]


def alert_in_force(today) -> dict:
    """The fields of a demo alert that fits the season of ``today`` (local date), for an alert in
    force (the README screenshots): the first of ``PAST_ALERTS`` whose months hold today's, a
    seasonal one before one that can happen all year."""
    fits = [row for row in PAST_ALERTS if today.month in row[0]]
    _months, _days, _clock, hours, type_, level, districts, ko, en = min(fits, key=lambda row: len(row[0]))
    return {"type": type_, "level": level, "districts": districts or [d.code for d in all_districts()],
            "headline_ko": ko[0], "body_ko": ko[1], "instruction_ko": ko[2],
            "headline_en": en[0], "body_en": en[1], "instruction_en": en[2], "expires_in_min": hours * 60}


def seed_demo(people: dict) -> dict[str, int]:
    """Idempotent: does nothing when the demo officer has sent alerts already."""
    officer = people["alert_officer"]
    if db.session.scalar(select(Alert.id).where(Alert.sent_by_id == officer.id).limit(1)) is not None:
        return {}
    every = [d.code for d in all_districts()]
    today = local_now().date()
    rows = seasonal_alerts(today)
    with unit_of_work():
        for _months, days, clock, hours, type_, level, districts, ko, en in rows:
            sent = at_local(today, -days, clock)
            db.session.add(Alert(
                identifier=f"urn:uuid:{uuid.uuid4()}", msg_type="Alert", type=type_, level=level,
                headline_ko=ko[0], body_ko=ko[1], instruction_ko=ko[2],
                headline_en=en[0], body_en=en[1], instruction_en=en[2],
                districts=districts or every, onset=sent, expires=sent + timedelta(hours=hours),
                status="sent", created_by_id=officer.id, sent_by_id=officer.id, sent_at=sent,
                finished_at=sent + timedelta(seconds=5), audience=0))
    banner.invalidate()
    return {"alerts": len(rows)}
