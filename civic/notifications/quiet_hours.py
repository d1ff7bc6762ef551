"""Quiet hours for personal updates (``PERSONAL_PUSH_QUIET_HOURS``, e.g. ``22:00-08:00``).

Times are in the city's time zone; an empty value means none. Disaster alerts never look here.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from civic.timezone import local_zone, to_local, to_utc, zone_named


def parse_quiet_hours(value: str | None) -> tuple[time, time] | None:
    """``"HH:MM-HH:MM"`` → (start, end); empty → None; anything else raises ValueError."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        start_text, end_text = (part.strip() for part in text.split("-"))
        start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    except ValueError as exc:
        raise ValueError(f"quiet hours must look like 22:00-08:00, not {text!r}") from exc
    if start == end:
        raise ValueError("quiet hours must not start and end at the same time")
    return start, end


def quiet_until(now: datetime, window: tuple[time, time] | None, zone: str | None = None) -> datetime | None:
    """When the quiet hours containing ``now`` end (UTC), or None when ``now`` is not in them.
    The hours are the city's (``zone``: another zone, by name)."""
    if window is None:
        return None
    start, end = window
    city = zone_named(zone) if zone else local_zone()
    local = to_local(now, city)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:  # wraps past midnight
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return to_utc(datetime.combine(end_day, end), city)
