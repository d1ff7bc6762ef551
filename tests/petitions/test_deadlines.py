"""Working-day deadlines: weekends and Korean public holidays do not count."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from civic.petitions import deadlines

SEOUL = ZoneInfo("Asia/Seoul")


def test_weekends_are_skipped(app):
    # Friday 2026-11-27 + 7 working days: Mon 30 ... Tue 8 December.
    assert deadlines.add_working_days(date(2026, 11, 27), 7) == date(2026, 12, 8)
    # Filed on a Saturday: counting starts on Monday.
    assert deadlines.add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_christmas_and_new_year_are_skipped(app):
    # Thu 24 Dec 2026: Christmas (Fri 25) and New Year's Day (Fri 1 Jan 2027) are holidays.
    assert deadlines.add_working_days(date(2026, 12, 24), 7) == date(2027, 1, 6)


def test_chuseok_is_skipped(app):
    # Chuseok 2026 is Thu 24 - Sat 26 September.
    assert deadlines.add_working_days(date(2026, 9, 23), 3) == date(2026, 9, 30)
    assert not deadlines.is_working_day(date(2026, 9, 25))
    assert deadlines.is_working_day(date(2026, 9, 29))


def test_substitute_holidays_are_skipped(app):
    # Lunar New Year 2027 falls on Sat-Mon 6-8 February, with a substitute holiday on Tue 9.
    assert deadlines.add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 10)


def test_due_at_is_closing_time_in_seoul(app):
    # Filed late on Friday evening in Seoul (still Friday there, though already UTC morning).
    received = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)     # 23:30 KST Friday
    due = deadlines.due_at(received, 7)
    assert due.astimezone(SEOUL) == datetime(2026, 12, 8, 18, 0, tzinfo=SEOUL)
    # Just after midnight in Seoul it is Saturday: the count starts on Monday.
    received = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)     # 00:30 KST Saturday
    assert deadlines.due_at(received, 1).astimezone(SEOUL) == datetime(2026, 11, 30, 18, 0, tzinfo=SEOUL)


def test_due_time_and_calendar_are_configurable(app):
    app.config["PETITIONS_DUE_TIME"] = "09:30"
    due = deadlines.due_at(datetime(2026, 12, 24, 1, 0, tzinfo=UTC), 1)
    assert due.astimezone(SEOUL) == datetime(2026, 12, 28, 9, 30, tzinfo=SEOUL)
    # With a US calendar, 25 December is still a holiday but 28 December is a working day too.
    app.config["CIVIC_HOLIDAY_COUNTRY"] = "US"
    assert deadlines.add_working_days(date(2026, 11, 25), 1) == date(2026, 11, 27)   # Thanksgiving


def test_bad_settings_stop_the_start(tmp_path):
    import pytest

    from civic import create_app
    from tests.conftest import make_config

    for name, value in (("PETITIONS_DUE_TIME", "6pm"), ("PETITIONS_TRANSFER_DEADLINE", "pause")):
        with pytest.raises(RuntimeError, match=name):
            create_app(make_config(tmp_path, **{name: value}))
