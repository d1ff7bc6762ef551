"""Legal deadlines of petitions, counted as the 민원 처리에 관한 법률 counts them.

The law (제19조 처리기간의 계산) and its decree say:

1. A period of **5 days or less** is counted in **hours from the time of receipt**; Saturdays and
   public holidays (Sundays are public holidays) do not count, and one day is **8 working
   hours**. A 3-day petition received on Tuesday at 10:30 therefore has 24 working hours: 6.5 on
   Tuesday (10:30-12:00, 13:00-18:00), 8 on Wednesday, 8 on Thursday and 1.5 on Friday; it is
   due on **Friday at 10:30**. Received at night, the count starts when the office opens.
2. A period of **6 days or more** is counted in **days, counting the first day**, without
   Saturdays and public holidays, and ends when the office closes on its last day. The day of
   receipt is the first day whatever the hour (the law counts days here, not hours); received
   on a day off, the first working day after it is the first day. The issue's example: a
   7-day petition received on **Tuesday 8 December 2026 at 01:27** counts Tue 8 (1), Wed 9 (2),
   Thu 10 (3), Fri 11 (4), Mon 14 (5), Tue 15 (6), Wed 16 (7): due **Wednesday 16 December at
   18:00**. (Not counting the first day would give Thursday 17 December, the old behaviour.)
3. **"즉시"** (immediately) means within **3 working hours** of receipt.
4. Periods in **weeks, months or years** follow the calendar (민법 제159조-제161조, first day
   counted): they end the day before the corresponding day of the last week, month or year (or
   on the last day of that month when it has no such day), and a period ending on a Saturday or
   a public holiday ends on the next working day.

Working hours are settings (``PETITIONS_WORKING_HOURS``, default 09:00-18:00, and
``PETITIONS_LUNCH_HOUR``, default 12:00-13:00, which hour counting skips): 8 hours a day by
default, as the law assumes. Working days and public holidays come from ``civic.timezone``
(the ``holidays`` package, country ``CIVIC_HOLIDAY_COUNTRY``, substitute holidays included).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app

from civic.timezone import is_working_day, local_zone, to_local, to_utc

HOURS_PER_DAY = 8           # one day of a period counted in hours (제19조①)
IMMEDIATE_HOURS = 3         # "즉시"
HOUR_COUNTED_MAX_DAYS = 5   # periods up to this many days are counted in hours
UNITS = ("immediate", "days", "weeks", "months", "years")


def add_working_days(start: date, days: int, country: str | None = None) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count); with 0,
    ``start`` or the next working day."""
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


def next_working_day(day: date) -> date:
    """``day`` when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def nth_working_day(first: date, days: int) -> date:
    """The ``days``-th working day of a period whose first day is ``first`` (counted when it is
    a working day, else the count starts on the next one)."""
    day = next_working_day(first)
    for _ in range(max(1, int(days)) - 1):
        day = next_working_day(day + timedelta(days=1))
    return day


def _range(setting: str) -> tuple[time, time] | None:
    text = current_app.config[setting]
    if not text:
        return None
    start, end = (time.fromisoformat(part) for part in text.split("-"))
    return start, end


def working_periods(day: date) -> list[tuple[datetime, datetime]]:
    """The local working hours of ``day`` as (start, end) pairs: none on a day off, two with a
    lunch hour inside the working hours."""
    if not is_working_day(day):
        return []
    hours = _range("PETITIONS_WORKING_HOURS")
    if hours is None:
        return []
    opens, closes = hours
    segments = [(opens, closes)]
    lunch = _range("PETITIONS_LUNCH_HOUR")
    if lunch is not None:
        segments = [(a, b) for a, b in ((opens, min(closes, lunch[0])), (max(opens, lunch[1]), closes)) if a < b]
    zone = local_zone()
    return [(datetime.combine(day, a, tzinfo=zone), datetime.combine(day, b, tzinfo=zone)) for a, b in segments]


def closing_time(day: date) -> datetime:
    """When the office closes on ``day`` (the end of ``PETITIONS_WORKING_HOURS``), in UTC."""
    hours = _range("PETITIONS_WORKING_HOURS")
    closes = hours[1] if hours else time(18, 0)
    return to_utc(datetime.combine(day, closes))  # the city's wall-clock closing time


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment ``hours`` working hours after ``start`` (UTC). A count that ends exactly at a
    break (lunch, closing) ends then, not when work resumes."""
    remaining = timedelta(hours=hours)
    moment = to_local(start)
    day = moment.date()
    for _ in range(3660):   # ten years of days: a calendar without working days is a mistake
        for opens, closes in working_periods(day):
            if moment >= closes:
                continue
            begin = max(moment, opens)
            available = closes - begin
            if remaining <= available:
                return (begin + remaining).astimezone(UTC)
            remaining -= available
        day += timedelta(days=1)
    raise RuntimeError("no working hours in ten years: check PETITIONS_WORKING_HOURS and the holiday calendar")


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working hours from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    start, end = to_local(start), to_local(end)
    if end <= start:
        return 0.0
    total = timedelta()
    day = start.date()
    while day <= end.date():
        for opens, closes in working_periods(day):
            a, b = max(opens, start), min(closes, end)
            if a < b:
                total += b - a
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def calendar_end(first: date, amount: int, unit: str) -> date:
    """The last day of a period of weeks, months or years whose first day is ``first``
    (민법 제160조, first day counted), moved to the next working day (제161조)."""
    if unit == "weeks":
        end = first + timedelta(weeks=amount) - timedelta(days=1)
    else:
        months = amount * (12 if unit == "years" else 1)
        year, month = divmod(first.month - 1 + months, 12)
        year, month = first.year + year, month + 1
        last = calendar.monthrange(year, month)[1]
        end = date(year, month, last) if first.day > last else date(year, month, first.day) - timedelta(days=1)
    return next_working_day(end)


def due_at(received_at: datetime, amount: int, unit: str = "days") -> datetime:
    """When a petition received at ``received_at`` must be answered (UTC), for a period of
    ``amount`` ``unit`` (one of ``UNITS``; ``amount`` is ignored for ``immediate``)."""
    if unit == "immediate":
        return add_working_hours(received_at, IMMEDIATE_HOURS)
    first = to_local(received_at).date()
    if unit == "days":
        if amount <= HOUR_COUNTED_MAX_DAYS:
            return add_working_hours(received_at, amount * HOURS_PER_DAY)
        return closing_time(nth_working_day(first, amount))
    if unit in ("weeks", "months", "years"):
        return closing_time(calendar_end(first, amount, unit))
    raise ValueError(f"unknown deadline unit {unit!r}")


def due_soon_limit(now: datetime) -> datetime:
    """Deadlines before this moment are "due soon": within ``PETITIONS_DUE_SOON_HOURS`` working
    hours of ``now`` (Friday evening, Monday's deadline is already near)."""
    return add_working_hours(now, current_app.config["PETITIONS_DUE_SOON_HOURS"])


def counting(amount: int, unit: str) -> str:
    """How a period is counted: ``working_hours``, ``working_days`` or ``calendar``."""
    if unit == "immediate" or (unit == "days" and amount <= HOUR_COUNTED_MAX_DAYS):
        return "working_hours"
    return "working_days" if unit == "days" else "calendar"


def period_hours(amount: int, unit: str) -> int | None:
    """The working hours of a period counted in hours (None otherwise)."""
    if unit == "immediate":
        return IMMEDIATE_HOURS
    if unit == "days" and amount <= HOUR_COUNTED_MAX_DAYS:
        return amount * HOURS_PER_DAY
    return None


def local_year(moment: datetime) -> int:
    return to_local(moment).year


__all__ = ["UNITS", "add_working_days", "add_working_hours", "calendar_end", "counting", "due_at",
           "due_soon_limit", "is_working_day", "local_year", "nth_working_day", "period_hours",
           "working_hours_between", "working_periods"]
