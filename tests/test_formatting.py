"""Dates and times: one style per language, in Seoul time, recent events relative."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale

from civic.formatting import (
    format_ago,
    format_ago_short,
    format_clock,
    format_day,
    format_month_day,
    format_short_day,
    format_weekday,
    format_when,
    time_tag,
)

MOMENT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 18:00 in Seoul, a Tuesday
TEMPLATES = Path(__file__).resolve().parent.parent / "mobile_web" / "templates"


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def test_korean_style(ctx):
    with force_locale("ko"):
        assert format_when(MOMENT) == "2026년 12월 1일 (화) 오후 6:00"
        assert format_day(MOMENT) == "2026년 12월 1일 (화)"
        assert format_day(date(2026, 1, 5)) == "2026년 1월 5일 (월)"


def test_english_style(ctx):
    with force_locale("en"):
        assert format_when(MOMENT) == "1 Dec 2026, 18:00"
        assert format_day(MOMENT) == "1 Dec 2026"


def test_parts_of_a_sentence_are_in_the_city_and_the_language(ctx):
    late = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 01:30 on Wednesday in Seoul
    with force_locale("ko"):
        assert (format_clock(late), format_weekday(late), format_month_day(late)) == ("오전 1:30", "수요일", "12월 2일")
        assert format_weekday(date(2026, 12, 7)) == "월요일" and format_short_day(late) == "12/02"
    with force_locale("en"):
        assert (format_clock(late), format_weekday(late), format_month_day(late)) == ("1:30 AM", "Wednesday",
                                                                                    "December 2")
        assert format_short_day(date(2026, 3, 2)) == "03/02"


def test_naive_datetimes_are_utc(ctx):
    with force_locale("en"):
        assert format_when(MOMENT.replace(tzinfo=None)) == "1 Dec 2026, 18:00"


def test_recent_events_are_relative(ctx):
    with force_locale("ko"):
        assert format_ago(MOMENT - timedelta(hours=3), now=MOMENT) == "3시간 전"
        assert format_ago(MOMENT - timedelta(minutes=5), now=MOMENT) == "5분 전"
        assert format_ago(MOMENT - timedelta(seconds=5), now=MOMENT) == "방금"
        assert format_ago(MOMENT - timedelta(days=3), now=MOMENT) == "2026년 11월 28일 (토) 오후 6:00"
        assert format_ago(MOMENT + timedelta(hours=2), now=MOMENT) == "2026년 12월 1일 (화) 오후 8:00"
    with force_locale("en"):
        assert format_ago(MOMENT - timedelta(hours=3), now=MOMENT) == "3 hours ago"
        assert format_ago(MOMENT - timedelta(seconds=5), now=MOMENT) == "just now"


def test_the_short_relative_form_fits_a_narrow_column(ctx):
    """The staff desk's "received": relative within a day, else month and day (the full time in
    the element's title)."""
    with force_locale("ko"):
        assert format_ago_short(MOMENT - timedelta(hours=3), now=MOMENT) == "3시간 전"
        assert format_ago_short(MOMENT - timedelta(days=3), now=MOMENT) == "11월 28일"
        html = str(time_tag(datetime(2026, 11, 2, 3, tzinfo=UTC), "ago_short"))
        assert ">11월 2일</time>" in html and 'title="2026년 11월 2일 (월) 오후 12:00"' in html
    with force_locale("en"):
        assert format_ago_short(MOMENT - timedelta(days=3), now=MOMENT) == "November 28"


def test_time_tag_carries_the_exact_value(ctx):
    with force_locale("ko"):
        html = str(time_tag(MOMENT))
        assert html == '<time datetime="2026-12-01T09:00:00+00:00">2026년 12월 1일 (화) 오후 6:00</time>'
        assert 'title="' in str(time_tag(datetime.now(UTC), "ago"))
        assert str(time_tag(None)) == ""


def test_templates_format_dates_only_through_the_house_filters():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for needle in ("datetimeformat", "dateformat", "timeformat", "strftime", ".isoformat()"):
            if needle in text:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {needle}")
    assert offenders == []


TWO_DIGIT_YEAR = re.compile(r"(?<![\d.])\d{2}\. ?\d{1,2}\. ?\d{1,2}\.|\b\d{1,2}/\d{1,2}/\d{2}\b")


def test_the_two_digit_year_pattern_is_recognised():
    assert TWO_DIGIT_YEAR.search("26. 12. 1. 오후 6:00")
    assert TWO_DIGIT_YEAR.search("12/1/26, 6:00 PM")
    assert not TWO_DIGIT_YEAR.search("2026년 12월 1일 (화) 오후 6:00")
