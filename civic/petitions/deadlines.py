"""Legal deadlines in working days: weekends and public holidays (``civic.timezone``: the
``holidays`` package, country ``CIVIC_HOLIDAY_COUNTRY``) do not count."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app

from civic.timezone import is_working_day, local_zone


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


__all__ = ["add_working_days", "due_at", "is_working_day", "local_year"]
