"""How places read on a page: opening hours right now, data age, whose phone number it is."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext

from civic.db import utcnow
from civic.formatting import format_clock, format_month_day, format_weekday
from civic.places.hours_status import HoursStatus, status
from civic.timezone import holiday_country, local_now, local_zone, to_local

OLD_AFTER_DAYS = 365


def _clock(moment: datetime, now: datetime) -> str:
    """"오전 9:00", "내일 오전 9:00", "월요일 오전 9:00"."""
    local, today = to_local(moment), to_local(now).date()
    clock = format_clock(moment)
    if local.date() == today or (moment - now) < timedelta(hours=12):
        return clock
    if local.date() == today + timedelta(days=1):
        return gettext("tomorrow %(time)s", time=clock)
    return f"{format_weekday(local.date())} {clock}"


def hours_status(place, at: datetime | None = None) -> HoursStatus:
    return status(place.hours, at or utcnow(), local_zone(), holiday_country())


def hours_text(state: HoursStatus, now: datetime | None = None) -> tuple[str, str]:
    """(css class, text): "지금 열림 · 오전 1:30에 닫음 (5분 후)", "지금 닫힘 · 오전 9:00에 엶",
    "운영시간 확인 필요" (hours that are a data error), "운영시간 정보 없음"."""
    now = now or utcnow()
    if state.state == "check":
        return "check", gettext("Check the opening hours")
    if state.state == "unknown":
        return "unknown", gettext("Hours unknown")
    if state.state == "off_season":
        when = format_month_day(state.change_at.date()) if state.change_at else ""
        return "closed", gettext("Closed now · outside its season (opens %(date)s)", date=when)
    if state.state == "open":
        if state.always or state.change_at is None:
            return "open", gettext("Open now · 24 hours")
        clock = _clock(state.change_at, now)
        if state.minutes is not None and state.minutes <= 60:
            css = "open closing" if state.closing_soon else "open"
            return css, gettext("Open now · closes at %(time)s (in %(minutes)s min)", time=clock,
                                minutes=state.minutes)
        return "open", gettext("Open now · closes at %(time)s", time=clock)
    if state.change_at is None:
        return "closed", gettext("Closed now")
    return "closed", gettext("Closed now · opens at %(time)s", time=_clock(state.change_at, now))


def _as_date(text: str | None) -> date | None:
    parts = str(text or "").replace(".", "-").split("-")
    try:
        year = int(parts[0][:4])
        month = int(parts[1]) if len(parts) > 1 and parts[1] else 12
        day = int(parts[2][:2]) if len(parts) > 2 and parts[2][:2].isdigit() else 28
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def is_old(data_date: str | None, today: date | None = None) -> bool:
    """Older than a year: "방문 전 전화로 확인하세요"."""
    when = _as_date(data_date)
    today = today or local_now().date()
    return when is not None and (today - when).days > OLD_AFTER_DAYS


def hours_age(place) -> str | None:
    """When the place's opening hours were current (borrowed hours keep their own date)."""
    details = place.details or {}
    if not place.hours:
        return None
    return details.get("hours_date") or details.get("data_date")
