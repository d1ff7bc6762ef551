"""Readers of the national disaster messages civic relays (``civic.alerts.ingest``).

One small module per format turns a fetched document into :class:`Message` values (or a
:class:`Refused` for each part it cannot read, so one bad entry never hides the others):

- ``safetydata``: 재난안전데이터 공유플랫폼 DSSP-IF-00247 (긴급재난문자), JSON;
- ``disastermsg``: the older data.go.kr DisasterMsg rows, JSON;
- ``cap``: OASIS CAP 1.2, one document or an Atom/RSS feed of them, checked against the XSD.

Readers know nothing of the database; the words for levels and hazards are mapped here, the
regions (which need the city's districts) in the service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# EMRG_STEP_NM: the three steps of Korea's cell-broadcast messages.
LEVELS_KO = {"위급재난": "emergency", "긴급재난": "urgent", "안전안내": "safety"}

# DST_SE_NM (and CAP <event> words) -> civic alert types, most specific first: "산불" before "화재",
# "민방공 경보 해제" is still about an air raid. Unknown hazards are "other".
TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("산불", "wildfire"), ("wildfire", "wildfire"), ("bushfire", "wildfire"), ("forest fire", "wildfire"),
    ("민방공", "air_raid"), ("민방위", "air_raid"), ("공습", "air_raid"), ("air raid", "air_raid"),
    ("호우", "heavy_rain"), ("홍수", "heavy_rain"), ("침수", "heavy_rain"), ("flood", "heavy_rain"),
    ("heavy rain", "heavy_rain"), ("rainfall", "heavy_rain"),
    ("태풍", "typhoon"), ("typhoon", "typhoon"), ("hurricane", "typhoon"), ("cyclone", "typhoon"),
    ("대설", "heavy_snow"), ("폭설", "heavy_snow"), ("snow", "heavy_snow"), ("blizzard", "heavy_snow"),
    ("한파", "cold_wave"), ("cold", "cold_wave"), ("freez", "cold_wave"),
    ("폭염", "heat_wave"), ("heat", "heat_wave"),
    ("지진", "earthquake"), ("earthquake", "earthquake"),
    ("화재", "fire"), ("fire", "fire"),
    ("미세먼지", "fine_dust"), ("황사", "fine_dust"), ("dust", "fine_dust"), ("air quality", "fine_dust"),
    ("교통", "traffic_accident"), ("traffic", "traffic_accident"),
    ("실종", "missing_person"), ("missing", "missing_person"), ("amber", "missing_person"),
    ("child abduction", "missing_person"),
    ("감염병", "infectious_disease"), ("전염병", "infectious_disease"), ("disease", "infectious_disease"),
    ("정전", "power_outage"), ("power outage", "power_outage"), ("blackout", "power_outage"),
)

# CAP <eventCode> values of the Korean standard (TTAS.KO-07.0046, 재난 종류 코드) by prefix.
KOREAN_EVENT_CODES = {"HR": "heavy_rain", "FF": "heavy_rain", "FL": "heavy_rain", "TY": "typhoon",
                      "HS": "heavy_snow", "SN": "heavy_snow", "CW": "cold_wave", "HW": "heat_wave",
                      "EQ": "earthquake", "FR": "fire", "WF": "wildfire", "FD": "fine_dust", "YD": "fine_dust",
                      "AL": "air_raid", "CD": "air_raid", "CL": "air_raid"}

SOURCE_SAFETYDATA = "safetydata"
SOURCE_DISASTERMSG = "disastermsg"


@dataclass
class Message:
    """One relayed message, as read (regions still as their names or codes)."""

    source: str                    # "safetydata", "disastermsg" or "cap:<sender>"
    serial: str                    # SN, md101_sn or the CAP identifier
    sent: datetime                 # aware
    body_ko: str
    headline_ko: str = ""
    instruction_ko: str = ""
    type: str = "other"
    level: str = "safety"
    msg_type: str = "Alert"        # Alert, Update or Cancel (CAP)
    references: list[tuple[str, str]] = field(default_factory=list)   # (source, serial) of earlier ones
    region_names: list[str] = field(default_factory=list)
    region_codes: list[str] = field(default_factory=list)             # 행정구역코드 / SIG_CD
    source_name: str = ""          # the issuer as it names itself (CAP senderName); "" for the national system
    expires: datetime | None = None
    headline_en: str = ""
    body_en: str = ""
    instruction_en: str = ""
    skip_reason: str = ""          # read, but not to be relayed (a CAP exercise, a restricted scope)


@dataclass
class Refused:
    """A part of a document that could not be read: counted and logged, never relayed."""

    where: str
    reason: str


def read_rows(rows: Iterable[Any], read: Callable[[Any], Message], where: str) -> list[Message | Refused]:
    """Each of a document's rows read by ``read``; a row it cannot read (a missing or malformed
    field) is refused with its place (``where[index]``) and why, and the others still count."""
    results: list[Message | Refused] = []
    for index, row in enumerate(rows):
        try:
            results.append(read(row))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            results.append(Refused(f"{where}[{index}]", f"unreadable row: {exc!r}"[:200]))
    return results


def level_for(step: str | None) -> str | None:
    """위급재난 / 긴급재난 / 안전안내 (also inside a longer text such as "[긴급재난문자]")."""
    if not step:
        return None
    for word, level in LEVELS_KO.items():
        if word in step:
            return level
    return None


def type_for(*texts: str | None) -> str:
    """The alert type for a hazard name (DST_SE_NM, CAP event or category words); "other" when
    none is recognised."""
    for text in texts:
        lowered = (text or "").lower()
        if not lowered:
            continue
        for word, alert_type in TYPE_WORDS:
            if word in lowered:
                return alert_type
    return "other"


def type_for_event_code(code: str | None) -> str | None:
    if not code or len(code) < 2:
        return None
    return KOREAN_EVENT_CODES.get(code[:2].upper())


def split_regions(text: str | None) -> list[str]:
    """RCPTN_RGN_NM / location_name: regions separated by commas, each "시도 시군구 [읍면동]"."""
    return [" ".join(part.split()) for part in (text or "").split(",") if part.strip()]


def headline_from(text: str, limit: int = 60) -> str:
    """A headline from a message text: its first line, shortened at a word."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0] or first[:limit]
    return cut.rstrip(" ,.") + "…"


STEP_MESSAGES = {"emergency": "위급재난문자", "urgent": "긴급재난문자", "safety": "안전안내문자"}
HAZARDS_KO = {"heavy_rain": "호우", "typhoon": "태풍", "heavy_snow": "대설", "cold_wave": "한파",
              "heat_wave": "폭염", "earthquake": "지진", "fire": "화재", "wildfire": "산불", "fine_dust": "미세먼지",
              "traffic_accident": "교통", "air_raid": "민방공", "missing_person": "실종",
              "infectious_disease": "감염병", "power_outage": "정전"}


def national_headline(text: str, alert_type: str, level: str, hazard: str = "") -> str:
    """A cell-broadcast text has no title: "[서울특별시] 한파 안전안내문자" from its sender in
    brackets, the hazard (DST_SE_NM, else the type's Korean name) and the step."""
    sender = ""
    stripped = text.lstrip()
    if stripped.startswith("[") and "]" in stripped[:40]:
        sender = stripped[: stripped.index("]") + 1]
    hazard = hazard if hazard and hazard != "기타" else HAZARDS_KO.get(alert_type, "")
    return " ".join(part for part in (sender, hazard, STEP_MESSAGES[level]) if part)


class UnreadableDocument(ValueError):
    """The whole document is not in the expected format (it is refused as one)."""
