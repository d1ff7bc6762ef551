"""Opening hours: one structure for every source, and "is it open now?" in the city's time zone.

Hours are stored as JSON::

    {"24h": false,
     "days": {"1": [[540, 1080]], ..., "7": []},   # 1 = Monday ... 7 = Sunday; minutes after midnight
     "holiday": [[540, 780]] | [] | null,            # public holidays; null = as on that weekday
     "text": "원문"}                                  # what the source said, shown to people

An interval's end may pass midnight (``1500`` = 01:00 the next day). A missing day means "not
known"; an empty list means closed. ``None`` instead of the whole structure means nothing is known.

Two optional keys: ``"season": {"from": "11-15", "to": "03-15", "dates": "2024-11-15~2025-03-15"}``
(a refuge open only in its season, every year; closed outside it) and ``"check": [reasons]``,
set at import by ``check()`` when the hours are plainly a data error: they are kept and shown,
but never count as open ("운영시간 확인 필요").
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

from civic.timezone import is_public_holiday, to_local

DAY = 24 * 60
WEEKDAYS = range(1, 8)
ALWAYS_WORDS = ("24시간", "상시", "연중", "24h", "24 h", "always")
DAY_NAMES = {"월": 1, "화": 2, "수": 3, "목": 4, "금": 5, "토": 6, "일": 7}

_TIME = r"(\d{1,2})(?::|시\s*)?(\d{2})?(?:분)?"
_INTERVAL = re.compile(rf"{_TIME}\s*[~\-–]\s*(익일\s*)?{_TIME}")
_SEGMENT = re.compile(
    rf"(?:[(\[]?(?P<days>평일|주말|공휴일|[월화수목금토일](?:요일)?(?:\s*[-~]\s*[월화수목금토일](?:요일)?)?)[)\]]?)?\s*"
    rf"(?P<interval>{_TIME}\s*[~\-–]\s*(?:익일\s*)?{_TIME})"
)
_CLOSED_DAYS = re.compile(r"((?:[월화수목금토일](?:요일)?\s*,?\s*)+|공휴일|주말)\s*(?:휴무|휴관|휴장|폐쇄)")


def always_open(text: str = "") -> dict:
    return {"24h": True, "days": {str(d): [[0, DAY]] for d in WEEKDAYS}, "holiday": [[0, DAY]], "text": text}


def _minutes(hour: str, minute: str | None) -> int:
    return int(hour) * 60 + int(minute or 0)


def interval(start: int, end: int) -> list[int]:
    """[start, end) in minutes; an end at or before the start runs past midnight."""
    if end <= start:
        end += DAY
    return [start, end]


def parse_hhmm(value) -> int | None:
    """'0900' / '09:00' / 900 -> 540; '' or junk -> None."""
    text = str(value or "").strip().replace(":", "")
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return None
    text = text.zfill(4)
    hours, minutes = int(text[:2]), int(text[2:])
    if hours > 48 or minutes > 59:
        return None
    return hours * 60 + minutes


def _day_set(spec: str | None) -> list[int | str]:
    if not spec:
        return list(WEEKDAYS)
    spec = spec.replace("요일", "").replace(" ", "")
    if spec == "평일":
        return [1, 2, 3, 4, 5]
    if spec == "주말":
        return [6, 7]
    if spec == "공휴일":
        return ["holiday"]
    parts = re.split(r"[-~]", spec)
    first = DAY_NAMES[parts[0]]
    last = DAY_NAMES[parts[-1]]
    if last < first:
        return [*range(first, 8), *range(1, last + 1)]
    return list(range(first, last + 1))


def parse_text(text: str | None) -> dict | None:
    """Hours from the free text Korean sources use: '09:00~18:00', '상시', '24시간',
    '월-금06:00~22:00 토-일09:00~18:00 공휴일 휴관', '09:00~익일 02:00', '05~24', '정시(09:00~18:00, 평일만)'.
    Returns None when the text says nothing usable (e.g. a bare '정시' = "fixed hours")."""
    # A city file repeats a few texts thousands of times: parse each once (a fresh copy each
    # time, since callers add to the result).
    parsed = _parse_cached(" ".join(str(text or "").split()))
    return copy.deepcopy(parsed) if parsed is not None else None


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> dict | None:
    if not text or text in {"-", "정시", "미정", "없음"}:
        return None
    if any(word in text for word in ALWAYS_WORDS) and not _INTERVAL.search(text):
        return always_open(text)
    if text == "업무시간":
        days: dict[str, list] = {str(d): [[540, 1080]] if d <= 5 else [] for d in WEEKDAYS}
        return {"24h": False, "days": days, "holiday": [], "text": text}
    days = {}
    holiday: list | None = None
    found = False
    weekdays_only = "평일만" in text
    for match in _SEGMENT.finditer(text):
        found = True
        m = _INTERVAL.search(match.group("interval"))
        if m is None:   # never: _SEGMENT's interval is _INTERVAL's pattern
            continue
        start = _minutes(m.group(1), m.group(2))
        end = _minutes(m.group(4), m.group(5))
        if m.group(3):  # 익일 = the next day
            end += DAY
        span = [start, end] if end > start else interval(start, end)
        targets = _day_set(match.group("days")) if match.group("days") else (
            [1, 2, 3, 4, 5] if weekdays_only else list(WEEKDAYS))
        for day in targets:
            if day == "holiday":
                holiday = (holiday or []) + [span]
            else:
                days.setdefault(str(day), []).append(span)
    if not found:
        return None
    if weekdays_only:
        days.setdefault("6", [])
        days.setdefault("7", [])
        holiday = holiday if holiday is not None else []
    for closed in _CLOSED_DAYS.finditer(text):
        spec = closed.group(1).replace("요일", "")
        if spec == "공휴일":
            holiday = []
            continue
        for name, number in DAY_NAMES.items():
            if name in spec or (spec == "주말" and number >= 6):
                days[str(number)] = []
    is_24h = all(days.get(str(d)) == [[0, DAY]] for d in WEEKDAYS)
    return {"24h": is_24h, "days": days, "holiday": holiday, "text": text}


def from_weekday_columns(values: dict[int | str, str], text: str = "") -> dict | None:
    """Per-day values ('09:00~20:00', '-' closed); key 8 or 'holiday' = public holidays."""
    days: dict[str, list] = {}
    holiday = None
    known = False
    for key, raw in values.items():
        raw = str(raw or "").strip()
        if not raw:
            continue
        if raw in {"-", "휴무", "휴진", "휴무일"}:
            spans = []
        else:
            parsed = parse_text(raw)
            if parsed is None:
                continue
            spans = parsed["days"].get("1", [])
        known = True
        if str(key) in {"8", "holiday"}:
            holiday = spans
        else:
            days[str(key)] = spans
    if not known:
        return None
    is_24h = all(days.get(str(d)) == [[0, DAY]] for d in WEEKDAYS) and holiday in (None, [[0, DAY]])
    return {"24h": is_24h, "days": days, "holiday": holiday, "text": text}


def from_duty_times(record: dict) -> dict | None:
    """The national medical APIs' dutyTime{N}s / dutyTime{N}c (N: 1 = Monday ... 7 = Sunday,
    8 = public holidays; HHMM, the close may be past 2400)."""
    days: dict[str, list] = {}
    holiday = None
    for n in range(1, 9):
        start = parse_hhmm(record.get(f"dutyTime{n}s"))
        end = parse_hhmm(record.get(f"dutyTime{n}c"))
        if start is None or end is None:
            continue
        span = interval(start, end) if end != start else [0, DAY]
        if n == 8:
            holiday = [span]
        else:
            days[str(n)] = [span]
    if not days and holiday is None:
        return None
    for n in WEEKDAYS:
        # The APIs leave a day out when the institution is closed that day.
        days.setdefault(str(n), [])
    if holiday is None:
        holiday = []
    is_24h = all(days[str(d)] == [[0, DAY]] for d in WEEKDAYS) and holiday == [[0, DAY]]
    return {"24h": is_24h, "days": days, "holiday": holiday, "text": ""}


CHECK_LONG_SPAN = "a span of 22 hours or more without a 24-hour flag"
CHECK_SAME_TIMES = "the closing time equals the opening time"
CHECK_FLAG = "the 24-hour flag contradicts the times"
LONG_SPAN = 22 * 60


def _all_spans(hours: dict) -> list[list[int]]:
    spans = [span for day in (hours.get("days") or {}).values() for span in (day or [])]
    return spans + list(hours.get("holiday") or [])


def _whole_day(span: list[int]) -> bool:
    # 00:00~24:00 (or ~23:59): a day's own "24 hours", not a data error.
    return span[0] == 0 and span[1] >= DAY - 1


def check(hours: dict | None, flag_24h: bool | None = None) -> dict | None:
    """The hours with ``"check"`` set when they cannot be right: a span of 22 hours or more
    that is not a whole day, a closing time equal to the opening time ("08:00~08:00"), or a
    24-hour flag (``flag_24h`` from the source, or 24시간/상시 in the text) that the times
    contradict. Such hours are kept, shown, and never counted as open."""
    if not hours:
        return hours
    reasons = []
    spans = _all_spans(hours)
    if any(end - start == DAY and start != 0 for start, end in spans):
        reasons.append(CHECK_SAME_TIMES)
    elif any(end - start >= LONG_SPAN and not _whole_day([start, end]) for start, end in spans):
        reasons.append(CHECK_LONG_SPAN)
    text = str(hours.get("text") or "")
    says_24h = flag_24h
    if says_24h is None and any(word in text for word in ALWAYS_WORDS) and _INTERVAL.search(text):
        says_24h = True
    if says_24h is True and not hours.get("24h") and spans and not all(_whole_day(s) for s in spans):
        reasons.append(CHECK_FLAG)
    elif says_24h is False and hours.get("24h"):
        reasons.append(CHECK_FLAG)
    checked = {key: value for key, value in hours.items() if key != "check"}
    if reasons:
        checked["check"] = reasons
    return checked


def in_season(hours: dict, day: date) -> bool:
    """Whether ``day`` falls in the hours' season (every year; a season may span the new year)."""
    season = hours.get("season")
    if not season:
        return True
    today = f"{day.month:02d}-{day.day:02d}"
    start, end = season["from"], season["to"]
    return start <= today <= end if start <= end else (today >= start or today <= end)


def derived_attributes(hours: dict | None) -> dict[str, bool]:
    """The attributes the hours imply: open around the clock, open on public holidays."""
    if not hours or hours.get("check"):
        return {}
    derived = {"open_24h": bool(hours.get("24h"))}
    if hours.get("holiday") is not None:
        derived["open_holidays"] = bool(hours["holiday"])
    return derived


def _spans_on(hours: dict, day: date, country: str) -> list | None:
    if hours.get("holiday") is not None and is_public_holiday(day, country):
        return hours["holiday"]
    return hours.get("days", {}).get(str(day.isoweekday()))


def open_at(hours: dict | None, moment: datetime, zone: tzinfo, country: str) -> bool | None:
    """True / False, or None when the hours are unknown for that moment. ``zone`` and
    ``country`` are the city's (``civic.timezone.local_zone()`` and ``holiday_country()``)."""
    if not hours or hours.get("check"):
        return None
    local = to_local(moment, zone)
    if not in_season(hours, local.date()):
        return False
    if hours.get("24h"):
        return True
    minute = local.hour * 60 + local.minute
    today = _spans_on(hours, local.date(), country)
    yesterday = _spans_on(hours, local.date() - timedelta(days=1), country)
    if yesterday and any(start <= minute + DAY < end for start, end in yesterday):
        return True
    if today is None:
        return None
    return any(start <= minute < end for start, end in today)


def format_minutes(value: int) -> str:
    value = value % DAY if value != DAY else value
    return f"{value // 60:02d}:{value % 60:02d}"


def format_span(span: list[int]) -> tuple[str, str, bool]:
    """(start, end, ends the next day)."""
    start, end = span
    return format_minutes(start), format_minutes(end if end <= DAY else end - DAY), end > DAY
