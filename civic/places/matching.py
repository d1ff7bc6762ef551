"""The same facility from two sources: an exact row replaces an approximate one.

A pharmacy placed at its legal dong (``location_precision: "dong"``) is the same pharmacy as a
row with its own coordinates when the names match and so does the phone number or the street
address. The exact row wins; the opening hours of the approximate one are kept on it when the
exact source has none (``details.hours_source`` records where they came from).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_PHONE = re.compile(r"\+?\d[\d\- )(]+\d")
_SPACES = re.compile(r"\s+")


# 15xx/16xx/18xx numbers are national: an area code in front (02-1588-…) is a data error.
_NATIONAL = re.compile(r"(?<![\d-])\(?(?:02|0[3-6][1-5])[-. )]*(1[568]\d{2})[-. ]*(\d{4})(?!\d)")


def clean_phone(raw) -> str:
    """A phone field as published, minus URL-encoding (``02-2133-0001%7E6`` -> ``02-2133-0001~6``)
    and minus an area code in front of a national number (``02-1588-1234`` -> ``1588-1234``)."""
    text = unquote(str(raw or "")).strip()
    text = _NATIONAL.sub(lambda m: f"{m.group(1)}-{m.group(2)}", text)
    return _SPACES.sub(" ", text)[:60]


def dial_number(phone: str | None) -> str:
    """What a ``tel:`` link dials: the first number of the field (``02-2133-0001~6`` ->
    ``02-2133-0001``), digits, ``+`` and hyphens only; empty when there is none."""
    match = _PHONE.search(str(phone or ""))
    if not match:
        return ""
    return re.sub(r"[^\d+\-]", "", match.group(0))


def _name(value: str) -> str:
    return _SPACES.sub("", str(value or "")).lower()


def _street(address: str) -> str:
    """The street part of an address (``서울특별시 종로구 종로 323, 1층 (효제동)`` -> ``종로구종로323``)."""
    text = re.split(r"[,(]", str(address or ""), maxsplit=1)[0]
    text = re.sub(r"^(서울특별시|서울시|서울)\s*", "", text.strip())
    return _SPACES.sub("", text)


def match_keys(name: str, phone: str, address: str) -> list[tuple[str, str]]:
    """Keys under which two rows are the same facility: (name, phone digits), (name, street)."""
    keys = []
    digits = re.sub(r"\D", "", dial_number(phone))
    if len(digits) >= 7:
        keys.append((_name(name), "tel:" + digits))
    street = _street(address)
    if street:
        keys.append((_name(name), "addr:" + street))
    return keys


class Matcher:
    """An index of existing places by their match keys."""

    def __init__(self, places):
        self._by_key: dict[tuple[str, str], object] = {}
        for place in places:
            for key in match_keys(place.name, place.phone, place.address):
                self._by_key.setdefault(key, place)

    def find(self, name: str, phone: str, address: str):
        for key in match_keys(name, phone, address):
            found = self._by_key.get(key)
            if found is not None:
                return found
        return None
