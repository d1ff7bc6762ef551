"""Opening hours: parsing the sources' texts and "open now" at the edges, in Asia/Seoul."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from civic.places import opening_hours
from civic.places.opening_hours import from_duty_times, from_weekday_columns, parse_text

SEOUL = ZoneInfo("Asia/Seoul")


def open_at(hours, moment):
    return opening_hours.open_at(hours, moment, SEOUL, "KR")


def kst(*args):
    return datetime(*args, tzinfo=SEOUL)


@pytest.mark.parametrize("text", ["상시", "24시간", "상시(연중 개방)", "상시(연중개방)"])
def test_always_open_words(text):
    hours = parse_text(text)
    assert hours["24h"] is True
    assert open_at(hours, kst(2026, 11, 27, 3, 0)) is True


@pytest.mark.parametrize("text", ["", "정시", "9시간", "-", None])
def test_texts_without_times_are_unknown(text):
    assert parse_text(text) is None
    assert open_at(parse_text(text), kst(2026, 11, 27, 12, 0)) is None


def test_day_ranges_and_closed_holidays():
    hours = parse_text("월-금06:00~22:00 토-일09:00~18:00 공휴일 휴관")
    assert hours["days"]["1"] == [[360, 1320]]
    assert hours["days"]["6"] == [[540, 1080]]
    assert hours["holiday"] == []


def test_bracketed_days_and_a_closing_day():
    hours = parse_text("(평일)09:00-22:00+(주말)09:00-20:00+(월요일휴관)")
    assert hours["days"]["1"] == [] and hours["days"]["2"] == [[540, 1320]] and hours["days"]["7"] == [[540, 1200]]


def test_weekdays_only_and_closing_days():
    hours = parse_text("정시(09:00~18:00, 평일만)")
    assert hours["days"]["5"] == [[540, 1080]] and hours["days"]["6"] == [] and hours["days"]["7"] == []
    hours = parse_text("12:00~18:00+ 월요일, 일요일 휴무")
    assert hours["days"]["1"] == [] and hours["days"]["7"] == [] and hours["days"]["3"] == [[720, 1080]]


def test_short_hours_and_next_day():
    assert parse_text("05~24")["days"]["2"] == [[300, 1440]]
    assert parse_text("10:30-20:30")["days"]["2"] == [[630, 1230]]
    assert parse_text("09:00~익일 02:00")["days"]["4"] == [[540, 1560]]
    assert parse_text("09:00~25:00")["days"]["4"] == [[540, 1500]]


def test_open_at_interval_edges():
    hours = parse_text("09:00~18:00")
    friday = (2026, 11, 27)
    assert open_at(hours, kst(*friday, 8, 59)) is False
    assert open_at(hours, kst(*friday, 9, 0)) is True
    assert open_at(hours, kst(*friday, 17, 59)) is True
    assert open_at(hours, kst(*friday, 18, 0)) is False


def test_open_at_midnight():
    until_midnight = parse_text("09:00~24:00")
    assert open_at(until_midnight, kst(2026, 11, 27, 23, 59)) is True
    assert open_at(until_midnight, kst(2026, 11, 28, 0, 0)) is False
    always = parse_text("24시간")
    assert open_at(always, kst(2026, 11, 28, 0, 0)) is True
    assert open_at(always, kst(2026, 11, 27, 23, 59)) is True


def test_overnight_hours_belong_to_the_day_they_start():
    # Open from 18:00 to 02:00 the next morning, Monday to Saturday only.
    hours = from_weekday_columns({1: "18:00~26:00", 2: "18:00~26:00", 3: "18:00~26:00", 4: "18:00~26:00",
                                  5: "18:00~26:00", 6: "18:00~26:00", 7: "-"})
    assert open_at(hours, kst(2026, 11, 28, 1, 59)) is True      # Saturday 01:59: Friday's night
    assert open_at(hours, kst(2026, 11, 28, 2, 0)) is False
    assert open_at(hours, kst(2026, 11, 30, 1, 0)) is False      # Monday 01:00: Sunday was closed
    assert open_at(hours, kst(2026, 11, 29, 1, 0)) is True       # Sunday 01:00: Saturday's night


def test_open_now_is_judged_in_seoul_time():
    hours = parse_text("09:00~18:00")
    # 00:30 UTC is 09:30 in Seoul; 10:00 UTC is 19:00 in Seoul.
    assert open_at(hours, datetime(2026, 11, 27, 0, 30, tzinfo=UTC)) is True
    assert open_at(hours, datetime(2026, 11, 27, 10, 0, tzinfo=UTC)) is False


def test_public_holidays_use_the_holiday_schedule():
    hours = parse_text("월-금06:00~22:00 토-일09:00~18:00 공휴일 휴관")
    # 2026-01-01 (New Year's Day) is a Thursday.
    assert open_at(hours, kst(2026, 1, 1, 12, 0)) is False
    assert open_at(hours, kst(2026, 1, 8, 12, 0)) is True
    # Without holiday information the weekday's hours apply.
    assert open_at(parse_text("09:00~18:00"), kst(2026, 1, 1, 12, 0)) is True


def test_duty_times_of_the_medical_apis():
    record = {"dutyTime1s": "0900", "dutyTime1c": "1800", "dutyTime6s": 900, "dutyTime6c": 1300,
              "dutyTime8s": "1000", "dutyTime8c": "1400"}
    hours = from_duty_times(record)
    assert hours["days"]["1"] == [[540, 1080]]
    assert hours["days"]["6"] == [[540, 780]]
    assert hours["days"]["7"] == []   # a day the API leaves out is closed
    assert hours["holiday"] == [[600, 840]]
    assert open_at(hours, kst(2026, 11, 29, 12, 0)) is False  # Sunday
    overnight = from_duty_times({f"dutyTime{n}{e}": v for n in range(1, 9) for e, v in (("s", "1800"), ("c", "0200"))})
    assert overnight["days"]["3"] == [[1080, 1560]]
    assert from_duty_times({"dutyName": "x"}) is None


def test_unknown_day_is_unknown():
    hours = from_weekday_columns({1: "09:00~18:00"})
    assert open_at(hours, kst(2026, 11, 23, 12, 0)) is True     # Monday
    assert open_at(hours, kst(2026, 11, 24, 12, 0)) is None     # Tuesday: not published
