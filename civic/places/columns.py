"""Reading one field of a source row: column specs, yes/no flags, free-text mentions, hours,
dates and licence status. The building blocks of the mappings in ``mappings.py``."""

from __future__ import annotations

import re
from collections.abc import Callable

from civic.places import opening_hours

Spec = str | tuple[str, ...] | Callable[[dict], object] | None

# Why a row of a well-formed file is not offered: a format's ``status`` check (``refuse_unless``)
# returns it, the import summary counts it with the rows it refused.
SKIP_NOT_OPERATING = "not operating (closed or suspended business)"
SKIP_RETIRED = "retired or closed facility (운영상태 is not 사용중)"
SKIP_NOT_IN_USE = "not in use (use_yn is not Y)"


def value(row: dict, spec: Spec):
    if spec is None:
        return None
    if callable(spec):
        return spec(row)
    columns = (spec,) if isinstance(spec, str) else spec
    for column in columns:
        raw = row.get(column)
        if raw is None:
            continue
        text = str(raw).strip()
        if text:
            return text
    return None


def yes(column: str) -> Callable[[dict], bool | None]:
    """'Y' / 'N' (or 예/아니오, 유/무, 1/0) -> bool; blank -> unknown."""
    def read(row):
        text = str(row.get(column) or "").strip().upper()
        if text in {"Y", "YES", "예", "유", "있음", "1", "TRUE", "O"}:
            return True
        if text in {"N", "NO", "아니오", "무", "없음", "0", "FALSE", "X"}:
            return False
        return None
    return read


def any_positive(*columns: str) -> Callable[[dict], bool | None]:
    def read(row):
        numbers = []
        for column in columns:
            try:
                numbers.append(int(float(str(row.get(column) or "").strip())))
            except ValueError:
                continue
        return any(n > 0 for n in numbers) if numbers else None
    return read


def both_positive(first: tuple[str, ...], second: tuple[str, ...]) -> Callable[[dict], bool | None]:
    a, b = any_positive(*first), any_positive(*second)

    def read(row):
        x, y = a(row), b(row)
        return None if x is None or y is None else x and y
    return read


def mentions(column: str, *words: str) -> Callable[[dict], bool | None]:
    """True when the free-text column mentions one of the words; unknown otherwise."""
    def read(row):
        text = str(row.get(column) or "").replace(" ", "")
        return True if any(w.replace(" ", "") in text for w in words) else None
    return read


def equals(column: str, expected: str) -> Callable[[dict], bool | None]:
    def read(row):
        text = str(row.get(column) or "").strip()
        return (text == expected) if text else None
    return read


def hours_text(*columns: str) -> Callable[[dict], dict | None]:
    """The most detailed usable text wins ('정시' + '09:00~18:00' -> the times)."""
    def read(row):
        for column in reversed(columns):
            parsed = opening_hours.parse_text(row.get(column))
            if parsed:
                parsed["text"] = " ".join(str(row.get(c) or "").strip() for c in columns).strip()
                return parsed
        return None
    return read


def hours_columns(columns: dict[int, str]) -> Callable[[dict], dict | None]:
    def read(row):
        return opening_hours.from_weekday_columns({k: row.get(c) for k, c in columns.items()})
    return read


_WEEKDAY_KEYS = {1: "monday", 2: "tuesday", 3: "wednesday", 4: "thursday", 5: "friday",
                 6: "saturday", 7: "sunday", 8: "holiday"}


def moonlight_hours(row):
    hours = row.get("hours") or {}
    if not isinstance(hours, dict):
        return None
    values: dict[int | str, str] = {}
    for number, key in _WEEKDAY_KEYS.items():
        day = hours.get(key) or {}
        if not isinstance(day, dict):
            continue
        if day.get("start") and day.get("end"):
            values[number] = f"{day['start']}~{day['end']}"
        elif day:
            values[number] = "-"
    return opening_hours.from_weekday_columns(values)


def position(index: int):
    def read(row):
        position = row.get("position") or []
        return position[index] if isinstance(position, (list, tuple)) and len(position) == 2 else None
    return read


def refuse_unless(reason: str, offered: Callable[[dict], bool | None]) -> Callable[[dict], str | None]:
    """The one way a format refuses rows of a well-formed file (its ``status``): a row is offered
    when ``offered(row)`` is true, refused with ``reason`` otherwise (unknown counts as no)."""
    def status(row: dict) -> str | None:
        return None if offered(row) else reason
    return status


def _localdata_open(row: dict) -> bool:
    state = str(row.get("영업상태명") or "").replace(" ", "")
    return state == "영업/정상" or (not state and str(row.get("영업상태구분코드") or "").strip() == "01")


localdata_operating = refuse_unless(SKIP_NOT_OPERATING, _localdata_open)


def date_part(*columns: str) -> Callable[[dict], str | None]:
    def read(row):
        for column in columns:
            text = str(row.get(column) or "").strip()
            match = re.match(r"(\d{4})-?(\d{2})-?(\d{2})", text)
            if match:
                return "-".join(match.groups())
        return None
    return read
