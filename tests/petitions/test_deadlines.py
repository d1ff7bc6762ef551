"""Legal deadlines (민원 처리에 관한 법률 제19조): periods of 5 days or less in working hours from
receipt, 6 days or more in working days counting the first day, "즉시" in 3 working hours,
weeks/months/years by the calendar. Weekends and Korean public holidays (the ``holidays``
package through civic.timezone, substitute holidays included) do not count."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from civic.petitions import deadlines

SEOUL = ZoneInfo("Asia/Seoul")


def kst(*args) -> datetime:
    return datetime(*args, tzinfo=SEOUL)


def due(received: datetime, amount: int, unit: str = "days") -> datetime:
    return deadlines.due_at(received, amount, unit).astimezone(SEOUL)


# --- 6 days or more: days, counting the first day ------------------------------------------

def test_the_issue_example_counts_the_first_day(app):
    # Tue 8 Dec 2026 01:27 (before the office opens): Tue 8 is day 1 ... Wed 16 is day 7.
    assert due(kst(2026, 12, 8, 1, 27), 7) == kst(2026, 12, 16, 18, 0)
    # Received during the day or late in the evening: the same first day.
    assert due(kst(2026, 12, 8, 14, 0), 7) == kst(2026, 12, 16, 18, 0)
    assert due(kst(2026, 12, 8, 23, 50), 7) == kst(2026, 12, 16, 18, 0)


def test_six_days_is_the_first_period_counted_in_days(app):
    received = kst(2026, 12, 8, 1, 27)
    assert due(received, 6) == kst(2026, 12, 15, 18, 0)      # Tue 8 .. Tue 15, first day counted
    assert due(received, 5) == kst(2026, 12, 14, 18, 0)      # 40 working hours from 09:00 Tue


def test_received_on_a_weekend_counts_from_monday(app):
    # Sat 12 Dec: Mon 14 is day 1, Tue 22 is day 7.
    assert due(kst(2026, 12, 12, 10, 0), 7) == kst(2026, 12, 22, 18, 0)


def test_days_skip_lunar_new_year(app):
    # Thu 12 Feb 2026: 설날 is Mon 16 - Wed 18 February.
    assert due(kst(2026, 2, 12, 9, 0), 7) == kst(2026, 2, 25, 18, 0)


def test_days_skip_christmas_and_new_year(app):
    # Thu 24 Dec 2026 (1), Mon 28 (2), Tue 29, Wed 30, Thu 31 (5), Mon 4 Jan (6), Tue 5 (7).
    assert due(kst(2026, 12, 24, 11, 0), 7) == kst(2027, 1, 5, 18, 0)
    # 14-day housing petitions go past New Year's Day as well.
    assert due(kst(2026, 12, 24, 11, 0), 14) == kst(2027, 1, 14, 18, 0)


# --- 5 days or less: hours from the time of receipt -----------------------------------------

def test_hours_count_from_receipt_inside_working_hours(app):
    # Tue 10:30: 6.5 h on Tuesday (lunch skipped), 8 on Wednesday, 8 on Thursday, 1.5 on Friday.
    assert due(kst(2026, 12, 8, 10, 30), 3) == kst(2026, 12, 11, 10, 30)
    assert due(kst(2026, 12, 8, 10, 30), 1) == kst(2026, 12, 9, 10, 30)


def test_hours_count_from_opening_when_received_outside_working_hours(app):
    assert due(kst(2026, 12, 8, 1, 27), 3) == kst(2026, 12, 10, 18, 0)     # before opening
    assert due(kst(2026, 12, 8, 19, 0), 3) == kst(2026, 12, 11, 18, 0)     # after closing
    assert due(kst(2026, 12, 8, 12, 30), 1) == kst(2026, 12, 9, 12, 0)     # in the lunch hour


def test_hours_received_on_a_friday_skip_the_weekend(app):
    # Fri 11 Dec 16:00: 2 h on Friday, 8 Monday, 8 Tuesday, 6 on Wednesday (09-12, 13-16).
    assert due(kst(2026, 12, 11, 16, 0), 3) == kst(2026, 12, 16, 16, 0)
    # Received on Saturday: the count starts on Monday at 09:00.
    assert due(kst(2026, 12, 12, 9, 0), 1) == kst(2026, 12, 14, 18, 0)


def test_hours_skip_chuseok(app):
    # Wed 23 Sep 2026 15:00: 3 h on Wednesday, 추석 Thu 24 - Sat 26, 8 on Mon 28, 8 on Tue 29,
    # 5 on Wed 30 (09-12, 13-15).
    assert due(kst(2026, 9, 23, 15, 0), 3) == kst(2026, 9, 30, 15, 0)


def test_hours_skip_the_lunar_new_year_substitute_holiday(app):
    # Fri 5 Feb 2027 14:00: 4 h on Friday; 설날 Sat 6 - Mon 8 and the substitute Tue 9 are off.
    assert due(kst(2027, 2, 5, 14, 0), 1) == kst(2027, 2, 10, 14, 0)


def test_hours_skip_a_substitute_holiday_for_a_saturday_holiday(app):
    # Fri 2 Oct 2026 10:00: 7 h; 개천절 Sat 3 with its substitute Mon 5; 8 Tue, 8 Wed, 1 Thu.
    assert due(kst(2026, 10, 2, 10, 0), 3) == kst(2026, 10, 8, 10, 0)


def test_immediately_means_three_working_hours(app):
    assert due(kst(2026, 12, 8, 10, 30), 0, "immediate") == kst(2026, 12, 8, 14, 30)   # lunch skipped
    assert due(kst(2026, 12, 8, 9, 0), 0, "immediate") == kst(2026, 12, 8, 12, 0)      # ends at lunch
    assert due(kst(2026, 12, 8, 17, 0), 0, "immediate") == kst(2026, 12, 9, 11, 0)     # next morning
    assert due(kst(2026, 12, 24, 17, 30), 0, "immediate") == kst(2026, 12, 28, 11, 30)  # Christmas


# --- weeks, months, years: the calendar ---------------------------------------------------

def test_calendar_periods(app):
    assert due(kst(2026, 12, 8, 10, 0), 2, "weeks") == kst(2026, 12, 21, 18, 0)
    assert due(kst(2026, 12, 8, 10, 0), 1, "months") == kst(2027, 1, 7, 18, 0)
    # 1 month from 25 Dec ends Sun 24 Jan: the next working day.
    assert due(kst(2026, 12, 25, 10, 0), 1, "months") == kst(2027, 1, 25, 18, 0)
    # 31 January has no 31 February: the end of February (Sun 28), then past 삼일절 (Mon 1 March).
    assert due(kst(2027, 1, 31, 10, 0), 1, "months") == kst(2027, 3, 2, 18, 0)
    assert due(kst(2026, 3, 2, 10, 0), 1, "years") == kst(2027, 3, 2, 18, 0)


# --- settings ------------------------------------------------------------------------------

def test_working_hours_are_settings(app):
    app.config["PETITIONS_WORKING_HOURS"] = "09:00-17:00"
    app.config["PETITIONS_LUNCH_HOUR"] = ""
    assert due(kst(2026, 12, 8, 16, 0), 0, "immediate") == kst(2026, 12, 9, 11, 0)
    assert due(kst(2026, 12, 8, 1, 27), 7) == kst(2026, 12, 16, 17, 0)     # ends at closing time
    assert due(kst(2026, 12, 8, 9, 0), 1) == kst(2026, 12, 8, 17, 0)       # 8 hours without lunch


def test_the_holiday_calendar_is_the_citys(app):
    app.config["CIVIC_HOLIDAY_COUNTRY"] = "US"
    # With a US calendar, 25 November 2026 (Wednesday) + 1 working day skips Thanksgiving.
    assert deadlines.add_working_days(date(2026, 11, 25), 1) == date(2026, 11, 27)
    assert due(kst(2026, 11, 25, 17, 0), 0, "immediate") == kst(2026, 11, 27, 11, 0)


def test_due_soon_is_counted_in_working_hours(app):
    # Friday 17:00 with the default window of 8 working hours: 1 h on Friday, 7 on Monday (lunch
    # skipped), so until Monday 17:00.
    assert deadlines.due_soon_limit(kst(2026, 12, 11, 17, 0)).astimezone(SEOUL) == kst(2026, 12, 14, 17, 0)
    assert deadlines.working_hours_between(kst(2026, 12, 11, 17, 0), kst(2026, 12, 14, 17, 0)) == 8


def test_unknown_units_are_refused(app):
    with pytest.raises(ValueError):
        deadlines.due_at(datetime(2026, 12, 8, tzinfo=UTC), 3, "fortnights")


def test_bad_settings_stop_the_start(tmp_path):
    from civic import create_app
    from tests.conftest import make_config

    for name, value in (("PETITIONS_WORKING_HOURS", "6pm"), ("PETITIONS_WORKING_HOURS", "18:00-09:00"),
                        ("PETITIONS_WORKING_HOURS", ""), ("PETITIONS_LUNCH_HOUR", "noon"),
                        ("PETITIONS_TRANSFER_DEADLINE", "pause")):
        with pytest.raises(RuntimeError, match=name):
            create_app(make_config(tmp_path, **{name: value}))
