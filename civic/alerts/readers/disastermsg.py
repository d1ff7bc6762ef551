"""The older data.go.kr DisasterMsg rows: ``md101_sn, create_date "2023/01/05 13:51:59",
location_id, location_name, msg, send_platform``.

The rows come wrapped (``{"DisasterMsg": [{"head": […]}, {"row": […]}]}``), under ``row`` or as
a bare list; the level and hazard are not fields and are read from the text ("[긴급재난]",
"화재"), a message without a level word being a 안전안내 (safety notice).
"""

from __future__ import annotations

from civic.alerts.readers import (
    SOURCE_DISASTERMSG,
    Message,
    Refused,
    UnreadableDocument,
    level_for,
    national_headline,
    read_rows,
    split_regions,
    type_for,
)
from civic.alerts.readers.safetydata import OK_CODES, parse_korean_time
from civic.json_input import loads_checked


def _rows(document) -> list | None:
    """The first list under a ``row`` key (breadth-first), or the document when it is a list."""
    if isinstance(document, list) and all(isinstance(r, dict) and "md101_sn" in r for r in document):
        return document
    queue = [document]
    while queue:
        item = queue.pop(0)
        if isinstance(item, dict):
            result = item.get("RESULT")
            if isinstance(result, dict) and str(result.get("resultCode", "INFO-0")) not in OK_CODES:
                raise UnreadableDocument(f"the service answered {result.get('resultCode')}: "
                                         f"{result.get('resultMsg') or 'error'}")
            if isinstance(item.get("row"), list):
                return item["row"]
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)
    return None


def read(data: bytes) -> list[Message | Refused]:
    try:
        document = loads_checked(data)
    except ValueError as exc:
        raise UnreadableDocument(f"not JSON: {exc}") from None
    rows = _rows(document)
    if rows is None:
        raise UnreadableDocument("not DisasterMsg rows (no 'row' list)")
    return read_rows(rows, _message, "row")


def _message(row: dict) -> Message:
    serial = str(row["md101_sn"]).strip()
    text = str(row["msg"] or "").strip()
    if not serial or not text:
        raise ValueError("md101_sn and msg are required")
    level, alert_type = level_for(text) or "safety", type_for(text)
    return Message(
        source=SOURCE_DISASTERMSG, serial=serial, sent=parse_korean_time(row["create_date"]),
        body_ko=text, headline_ko=national_headline(text, alert_type, level), level=level, type=alert_type,
        region_names=split_regions(row.get("location_name")),
    )
