"""Dates and times as people read them: one style per language, through Babel, in the city's
time zone (``CIVIC_TIMEZONE``).

- 한국어: ``2026년 12월 1일 (화) 오후 6:00`` — full year, weekday, no seconds.
- English: ``1 Dec 2026, 18:00``.
- Recent past events are relative: ``3시간 전`` / ``3 hours ago``.

Templates use the filters ``when`` (date and time), ``day`` (date only), ``ago`` (relative when
recent) or, for a ``<time>`` element with its machine-readable value, ``time_tag(moment)``;
Python code calls ``format_when`` / ``format_day``, and for parts of a sentence ``format_clock``
(``오전 9:00`` / ``9:00 AM``), ``format_weekday`` (``월요일``), ``format_month_day`` (``12월 9일``)
or, for chart axes, ``format_short_day`` (``12/09``). Nothing else formats a date for people
(``tests/test_formatting.py`` checks the templates, ``tests/test_structure.py`` the code).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from flask_babel import format_date, format_datetime, format_time, format_timedelta, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

DATETIME_PATTERNS = {"ko": "y년 M월 d일 (E) a h:mm", "en": "d MMM y, HH:mm"}
DATE_PATTERNS = {"ko": "y년 M월 d일 (E)", "en": "d MMM y"}
CLOCK_PATTERNS = {"ko": "a h:mm", "en": "h:mm a"}
MONTH_DAY_PATTERNS = {"ko": "M월 d일", "en": "MMMM d"}
SHORT_DAY_PATTERN = "MM/dd"  # chart axes, the same in both languages
# Events newer than this read as "… ago"; older ones as a date.
RECENT = timedelta(hours=24)


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in DATETIME_PATTERNS else "ko"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def format_when(moment: datetime | None) -> str:
    """Date and time in the reader's language and the city's time zone."""
    if moment is None:
        return ""
    return format_datetime(_aware(moment), DATETIME_PATTERNS[_language()])


def format_day(moment: date | datetime | None) -> str:
    """The date alone (a datetime is first moved to the city's time zone)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return format_datetime(_aware(moment), DATE_PATTERNS[_language()])
    return format_date(moment, DATE_PATTERNS[_language()])


def _on_day(moment: date | datetime, pattern: str) -> str:
    if isinstance(moment, datetime):
        return format_datetime(_aware(moment), pattern)  # on the city's calendar
    return format_date(moment, pattern)


def format_clock(moment: datetime) -> str:
    """The time of day in the city: ``오전 9:00`` / ``9:00 AM``."""
    return format_time(_aware(moment), CLOCK_PATTERNS[_language()])


def format_weekday(moment: date | datetime) -> str:
    """``월요일`` / ``Monday``."""
    return _on_day(moment, "EEEE")


def format_month_day(moment: date | datetime) -> str:
    """``12월 9일`` / ``December 9`` (no year: a date of the coming months)."""
    return _on_day(moment, MONTH_DAY_PATTERNS[_language()])


def format_short_day(moment: date | datetime) -> str:
    """``12/09``: a chart axis label."""
    return _on_day(moment, SHORT_DAY_PATTERN)


def format_ago(moment: datetime | None, now: datetime | None = None) -> str:
    """``3시간 전`` for an event of the last day, the date and time for older or future ones."""
    if moment is None:
        return ""
    now = now or datetime.now(UTC)
    elapsed = now - _aware(moment)
    if timedelta(0) <= elapsed < timedelta(minutes=1):
        return _("just now")
    if timedelta(0) <= elapsed < RECENT:
        return format_timedelta(-elapsed, add_direction=True, threshold=1.0)
    return format_when(moment)


def format_ago_short(moment: datetime | None, now: datetime | None = None) -> str:
    """``3시간 전`` for an event of the last day, ``12월 9일`` / ``December 9`` for older ones: a
    narrow table column (the staff desk's "received"), with the full time in its title."""
    if moment is None:
        return ""
    now = now or datetime.now(UTC)
    if timedelta(0) <= now - _aware(moment) < RECENT:
        return format_ago(moment, now)
    return format_month_day(moment)


def time_tag(moment: datetime | date | None, style: str = "when") -> Markup:
    """A ``<time>`` element: the readable text (``when``, ``day``, ``ago`` or ``ago_short``) and
    the exact value in ``datetime`` (and, for relative text, the full date as its title)."""
    if moment is None:
        return Markup("")
    if isinstance(moment, datetime):
        moment = _aware(moment)
    if isinstance(moment, datetime):
        text = {"when": format_when, "day": format_day, "ago": format_ago, "ago_short": format_ago_short}[style](moment)
    else:
        text = format_day(moment)
    relative = style in ("ago", "ago_short")
    title = f' title="{escape(format_when(moment))}"' if relative and isinstance(moment, datetime) else ""
    return Markup(f'<time datetime="{escape(moment.isoformat())}"{title}>{escape(text)}</time>')


def init_app(app: Flask) -> None:
    app.add_template_filter(format_when, "when")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_ago, "ago")
    app.add_template_global(time_tag)
