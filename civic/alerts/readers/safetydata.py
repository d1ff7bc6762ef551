"""재난안전데이터 공유플랫폼 DSSP-IF-00247 (긴급재난문자), JSON.

``{"header": {"resultCode", "resultMsg", "totalCount"}, "body": [{SN, CRT_DT, MSG_CN,
RCPTN_RGN_NM, EMRG_STEP_NM, DST_SE_NM, REG_YMD, MDFCN_YMD}, …]}``. ``resultCode`` "00" is a
normal answer; anything else (a wrong ``serviceKey``, a quota) refuses the whole document.
"""

from __future__ import annotations

from datetime import datetime

from civic.alerts.readers import (
    SOURCE_SAFETYDATA,
    Message,
    Refused,
    UnreadableDocument,
    level_for,
    national_headline,
    read_rows,
    split_regions,
    type_for,
)
from civic.json_input import loads_checked
from civic.timezone import zone_named

KOREA = zone_named("Asia/Seoul")   # the national system's clock, whatever the city's zone
TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y%m%d%H%M%S")
OK_CODES = {"00", "0", "INFO-0", "INFO-000"}


def parse_korean_time(value) -> datetime:
    """"2023/01/05 13:51:59" (and the usual variants, or ISO 8601) in Korea's time -> aware."""
    text = str(value or "").strip()
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=KOREA)
        except ValueError:
            continue
    parsed = datetime.fromisoformat(text)   # ValueError when it is not a time at all
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=KOREA)


def read(data: bytes) -> list[Message | Refused]:
    try:
        document = loads_checked(data)
    except ValueError as exc:
        raise UnreadableDocument(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("body", []), list):
        raise UnreadableDocument("not a DSSP-IF-00247 answer (no header/body)")
    header = document.get("header") or {}
    code = str(header.get("resultCode", "00")) if isinstance(header, dict) else "?"
    if code not in OK_CODES:
        message = header.get("resultMsg") or header.get("errorMsg") if isinstance(header, dict) else None
        raise UnreadableDocument(f"the service answered {code}: {message or 'error'}")
    return read_rows(document.get("body") or [], _message, "body")


def _message(row: dict) -> Message:
    serial = str(row["SN"]).strip()
    text = str(row["MSG_CN"] or "").strip()
    if not serial or not text:
        raise ValueError("SN and MSG_CN are required")
    step = str(row.get("EMRG_STEP_NM") or "")
    hazard = str(row.get("DST_SE_NM") or "").strip()
    level = level_for(step) or "safety"
    alert_type = "other" if hazard == "기타" else type_for(hazard, text)
    return Message(
        source=SOURCE_SAFETYDATA, serial=serial, sent=parse_korean_time(row["CRT_DT"]),
        body_ko=text, headline_ko=national_headline(text, alert_type, level, hazard), level=level, type=alert_type,
        region_names=split_regions(row.get("RCPTN_RGN_NM")),
    )
