"""What the opening hours mean right now: open until when, closed until when, or not to be trusted.

``status()`` answers from the stored hours (see ``opening_hours``) and a moment; the pages turn
the answer into "지금 열림 · 오전 1:30에 닫음 (5분 후)" or "지금 닫힘 · 오전 9:00에 엶".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from civic.places.opening_hours import DAY, _spans_on, in_season
from civic.timezone import to_local

CLOSING_SOON_MIN = 30
SCAN_DAYS = 8

# States: "open", "closed", "off_season" (closed: outside the refuge's season), "check" (the
# hours are a data error: never counted as open), "unknown".


@dataclass(frozen=True)
class HoursStatus:
    state: str
    # When it next closes (open) or opens (closed, off_season), in the city's zone; None when
    # it never does within a week (24 hours) or it is not known.
    change_at: datetime | None = None
    minutes: int | None = None  # until change_at
    always: bool = False        # open around the clock

    @property
    def is_open(self) -> bool | None:
        if self.state in ("check", "unknown"):
            return None
        return self.state == "open"

    @property
    def closing_soon(self) -> bool:
        return self.state == "open" and self.minutes is not None and self.minutes <= CLOSING_SOON_MIN


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _season_start(hours: dict, today: date) -> date:
    month, day = (int(x) for x in hours["season"]["from"].split("-"))
    start = date(today.year, month, day)
    return start if start > today else date(today.year + 1, month, day)


def status(hours: dict | None, moment: datetime, zone: tzinfo, country: str) -> HoursStatus:
    if not hours:
        return HoursStatus("unknown")
    if hours.get("check"):
        return HoursStatus("check")
    local = to_local(moment, zone)
    today = local.date()
    midnight = datetime(today.year, today.month, today.day, tzinfo=zone)
    if not in_season(hours, today):
        opens = _season_start(hours, today)
        first = min((s for s, _ in (_spans_on(hours, opens, country) or [])), default=0)
        change = datetime(opens.year, opens.month, opens.day, tzinfo=zone) + timedelta(minutes=first)
        return HoursStatus("off_season", change, int((change - local).total_seconds() // 60))
    if hours.get("24h"):
        return HoursStatus("open", always=True)
    now = local.hour * 60 + local.minute
    if _spans_on(hours, today, country) is None:
        return HoursStatus("unknown")
    intervals = []
    for offset in range(-1, SCAN_DAYS):
        day = today + timedelta(days=offset)
        spans = _spans_on(hours, day, country)
        if spans is None or not in_season(hours, day):
            continue
        intervals += [(offset * DAY + start, offset * DAY + end) for start, end in spans]
    merged = _merged(intervals)
    for start, end in merged:
        if start <= now < end:
            if end >= SCAN_DAYS * DAY:
                return HoursStatus("open", always=True)
            return HoursStatus("open", midnight + timedelta(minutes=end), end - now)
        if start > now:
            return HoursStatus("closed", midnight + timedelta(minutes=start), start - now)
    return HoursStatus("closed")
