"""Legal deadlines in working days: weekends and public holidays (from the maintained
``holidays`` package, country ``CIVIC_HOLIDAY_COUNTRY``) do not count."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from flask import current_app


@lru_cache(maxsize=8)
def _calendar(country: str) -> holidays.HolidayBase:
    # Years are added lazily on lookup, so one calendar serves every year.
    return holidays.country_holidays(country)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Seoul")


def is_working_day(day: date, country: str | None = None) -> bool:
    country = country or current_app.config["CIVIC_HOLIDAY_COUNTRY"]
    return day.weekday() < 5 and day not in _calendar(country)


def add_working_days(start: date, days: int, country: str | None = None) -> date:
    """The ``days``-th working day after ``start`` (the day of receipt itself does not count)."""
    current = start
    remaining = max(0, int(days))
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, country):
            remaining -= 1
    if days <= 0:
        while not is_working_day(current, country):
            current += timedelta(days=1)
    return current


def due_at(received_at: datetime, days: int) -> datetime:
    """When a petition received at ``received_at`` must be answered: the closing time
    (``PETITIONS_DUE_TIME``, local) of the ``days``-th working day after the day of receipt."""
    zone = local_zone()
    local_day = received_at.astimezone(zone).date()
    hour, minute = (int(part) for part in current_app.config["PETITIONS_DUE_TIME"].split(":"))
    due_day = add_working_days(local_day, days)
    return datetime.combine(due_day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def local_year(moment: datetime) -> int:
    return moment.astimezone(local_zone()).year
