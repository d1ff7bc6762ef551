"""Opening hours that do not lie, with a fixed clock: when a place closes or opens, hours that
are data errors, seasons, data age, and the night hospital search."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from civic.places import opening_hours
from civic.places.hours_status import status
from civic.places.opening_hours import CHECK_FLAG, CHECK_LONG_SPAN, CHECK_SAME_TIMES, from_weekday_columns, parse_text
from civic.places.presenting import hours_text, is_old
from tests.places.helpers import place

SEOUL = ZoneInfo("Asia/Seoul")
# Wednesday 2026-12-09, 01:25 in Seoul (16:25 UTC the day before).
NIGHT = datetime(2026, 12, 8, 16, 25, tzinfo=UTC)
WEEKDAYS = {d: "09:00~익일 01:30" for d in range(1, 6)}


def text_at(hours, moment, app):
    with app.test_request_context(headers={"Accept-Language": "ko"}):
        return hours_text(status(hours, moment, SEOUL, "KR"), moment)


def test_open_places_say_when_they_close_and_closed_ones_when_they_open(app):
    late = from_weekday_columns({**WEEKDAYS, 6: "-", 7: "-", 8: "-"})
    css, text = text_at(late, NIGHT, app)
    assert text == "지금 열림 · 오전 1:30에 닫음 (5분 후)" and "closing" in css  # within 30 minutes
    state = status(late, NIGHT, SEOUL, "KR")
    assert state.closing_soon and state.minutes == 5
    assert text_at(late, datetime(2026, 12, 8, 23, 0, tzinfo=UTC), app) == (
        "closed", "지금 닫힘 · 오전 9:00에 엶")   # 08:00 in Seoul
    # Noon: closes at 01:30 after midnight.
    assert text_at(late, datetime(2026, 12, 9, 3, 0, tzinfo=UTC), app)[1] == "지금 열림 · 내일 오전 1:30에 닫음"
    # Saturday noon: closed until Monday morning.
    assert text_at(late, datetime(2026, 12, 12, 3, 0, tzinfo=UTC), app)[1] == "지금 닫힘 · 월요일 오전 9:00에 엶"
    always = parse_text("24시간")
    assert text_at(always, NIGHT, app) == ("open", "지금 열림 · 24시간")
    assert text_at(None, NIGHT, app) == ("unknown", "운영시간 정보 없음")


@pytest.mark.parametrize("columns, reason", [
    ({1: "08:00~08:00"}, CHECK_SAME_TIMES),
    ({1: "19:00~18:30"}, CHECK_LONG_SPAN),
    ({1: "06:00~익일 05:00"}, CHECK_LONG_SPAN),
])
def test_hours_that_are_data_errors_are_kept_but_never_open(app, columns, reason):
    hours = opening_hours.check(from_weekday_columns({**columns, 2: "09:00~18:00"}))
    assert hours["check"] == [reason] and hours["days"]["1"]  # kept, shown
    monday_noon = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    assert opening_hours.open_at(hours, monday_noon, SEOUL, "KR") is None
    assert opening_hours.derived_attributes(hours) == {}
    assert text_at(hours, monday_noon, app) == ("check", "운영시간 확인 필요")


def test_a_24_hour_flag_that_contradicts_the_times_is_a_data_error():
    assert opening_hours.check(parse_text("24시간 (09:00~18:00)"))["check"] == [CHECK_FLAG]
    assert "check" not in opening_hours.check(parse_text("24시간"), flag_24h=True)
    assert opening_hours.check(parse_text("24시간"), flag_24h=False)["check"] == [CHECK_FLAG]
    assert "check" not in opening_hours.check(parse_text("09:00~18:00"))
    assert "check" not in opening_hours.check(parse_text("00:00~24:00"))


def test_a_refuge_is_not_open_outside_its_season(app):
    hours = {"24h": False, "days": {str(d): [[540, 1080]] for d in range(1, 8)}, "holiday": None,
             "season": {"from": "11-15", "to": "03-15", "dates": "2024-11-15~2025-03-15"}}
    winter_noon = datetime(2027, 1, 13, 3, 0, tzinfo=UTC)
    summer_noon = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)
    assert opening_hours.open_at(hours, winter_noon, SEOUL, "KR") is True
    assert opening_hours.open_at(hours, summer_noon, SEOUL, "KR") is False
    assert text_at(hours, summer_noon, app) == ("closed", "지금 닫힘 · 운영 기간 아님 (11월 15일부터)")


def test_data_older_than_a_year_asks_to_call_first(client, db):
    from datetime import date

    assert is_old("2021", date(2026, 12, 9)) and is_old("2025-11", date(2026, 12, 9))
    assert not is_old("2026-04-22", date(2026, 12, 9)) and not is_old(None)
    old = place("오래된 약국", category="pharmacy", hours_text="09:00~18:00",
                details={"data_date": "2026-04", "hours_date": "2021"})
    page = client.get(f"/places/{old.id}").get_data(as_text=True)
    assert "방문 전 전화로 확인하세요" in page and "운영시간 2021 기준" in page
    listing = client.get("/places?category=pharmacy&near=city-hall").get_data(as_text=True)
    assert "운영시간 2021 기준 · 방문 전 전화로 확인하세요." in listing


@pytest.fixture
def app_config(app_config):
    app_config.update(PLACES_NIGHT_FROM="00:00", PLACES_NIGHT_UNTIL="23:59")  # always night here
    return app_config


def test_at_night_a_hospital_search_leads_with_emergency_rooms_and_children_hospitals(client, db):
    place("동네 병원", category="hospital")
    place("달빛 소아과", category="hospital", lat=37.5700, attributes={"children": True})
    place("시청 응급실", category="emergency_room", lat=37.5680, hours=opening_hours.always_open())
    html = client.get("/places?category=hospital&near=city-hall").get_data(as_text=True)
    lead = html[html.index('id="night-title"'):html.index('id="results-heading"')]
    assert 'href="tel:119"' in lead and 'href="tel:129"' in lead
    assert lead.index("시청 응급실") < lead.index("달빛 소아과") and "동네 병원" not in lead
    assert "지금 열림 · 24시간" in lead
    other = client.get("/places?category=emergency_room&near=city-hall").get_data(as_text=True)
    assert 'id="night-title"' not in other
