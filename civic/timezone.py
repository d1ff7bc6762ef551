"""The city's clock and calendar, the one home of time-zone and holiday rules.

Times are stored in UTC; the city's zone (setting ``CIVIC_TIMEZONE``, held by Flask-Babel as
``BABEL_DEFAULT_TIMEZONE``) turns them into wall-clock times and back, and the holiday country
(setting ``CIVIC_HOLIDAY_COUNTRY``) says which days are public holidays. Readable dates for
people are ``civic.formatting`` (Flask-Babel, in the same zone).

Nothing else in civic/ converts between zones or names one (``tests/test_structure.py``): code
asks here for the city's wall-clock time (``to_local``, ``local_now``), a stored UTC value
(``to_utc``), or a zone by name (``zone_named``, for data that states its own clock).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app


def local_zone() -> ZoneInfo:
    """The city's time zone (``CIVIC_TIMEZONE``)."""
    return _zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_named(name: str) -> ZoneInfo:
    """An IANA zone by name: for data whose source states its own clock (the national alert
    system's times are Korean whatever the city's zone). An unknown name raises ``LookupError``
    (``zoneinfo.ZoneInfoNotFoundError``), a malformed one ``ValueError``."""
    return _zone(name)


def holiday_country() -> str:
    """The country whose public holidays count (an ISO code of the ``holidays`` package)."""
    return current_app.config["CIVIC_HOLIDAY_COUNTRY"]


def local_now() -> datetime:
    return datetime.now(local_zone())


def to_local(value: datetime, zone: tzinfo | None = None) -> datetime:
    """An aware datetime as the city's wall-clock time (naive ones are taken as UTC, which is
    how the database returns them on SQLite). ``zone``: another zone than the city's (pure
    functions given the city's zone by their caller, ``zone_named``)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone or local_zone())


def to_utc(value: datetime, zone: tzinfo | None = None) -> datetime:
    """Aware datetimes are converted; naive ones are wall-clock times in the city (or ``zone``)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or local_zone())
    return value.astimezone(UTC)


@lru_cache(maxsize=8)
def holiday_calendar(country: str) -> holidays.HolidayBase:
    # Years are added lazily on lookup, so one calendar serves every year.
    return holidays.country_holidays(country)


def is_public_holiday(day: date, country: str | None = None) -> bool:
    return day in holiday_calendar(country or holiday_country())


def is_working_day(day: date, country: str | None = None) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day, country)


class CityCalendar:
    """The city's zone and holiday country read once, for counting many rows (``flask stats
    rebuild`` / ``check`` recount every petition): the same rules as ``to_local`` and
    ``is_working_day``, with each calendar day's answer computed once per instance.

    Build one with ``city_calendar()`` for one run; it does not follow later setting changes."""

    __slots__ = ("country", "zone", "_spans", "_working")

    def __init__(self, zone: ZoneInfo, country: str) -> None:
        self.zone, self.country = zone, country
        self._working: dict[date, bool] = {}
        self._spans: dict[tuple[date, date], int] = {}

    def local_day(self, moment: datetime) -> date:
        """The city's calendar day of a moment (naive moments are UTC, as in ``to_local``)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(self.zone).date()

    def is_working_day(self, day: date) -> bool:
        working = self._working.get(day)
        if working is None:
            working = self._working[day] = is_working_day(day, self.country)
        return working

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (same day or earlier: 0)."""
        span = self._spans.get((start, end))
        if span is None:
            span, day = 0, start
            while day < end:
                day = day + timedelta(days=1)
                if self.is_working_day(day):
                    span += 1
            self._spans[(start, end)] = span
        return span


def city_calendar() -> CityCalendar:
    """The calendar of the current settings (``CIVIC_TIMEZONE``, ``CIVIC_HOLIDAY_COUNTRY``)."""
    return CityCalendar(local_zone(), holiday_country())


def end_of_working_days(moment: datetime, days: int, country: str | None = None) -> datetime:
    """The end (23:59:59, local) of the ``days``-th working day after the local day of ``moment``:
    "handled within 3 days" filed on a Tuesday night is due by the end of Friday, never at the
    filing minute three days later, and never on a weekend or holiday."""
    day = to_local(moment).date()
    counted = 0
    while counted < max(days, 0):
        day = day + timedelta(days=1)
        if is_working_day(day, country):
            counted += 1
    while not is_working_day(day, country):
        day = day + timedelta(days=1)
    return to_utc(datetime.combine(day, time(23, 59, 59), tzinfo=local_zone()))
