"""One reader (a ``Format``) per layout of the city's refuge files, one category per kind of
refuge. Which refuge fits which hazard is configuration (``PLACES_HAZARD_REFUGES``), not here;
each row here knows whether it is underground (``attributes.underground``).
"""

from __future__ import annotations

import re

from civic.places import opening_hours
from civic.places.columns import (  # noqa: F401 - the reasons are re-exported
    SKIP_NOT_IN_USE,
    SKIP_RETIRED,
    equals,
    refuse_unless,
    yes,
)
from civic.places.mappings import CIVIL_DEFENCE_SHELTERS, Format

# "지하1층", "지하 2층", "B1층", "지하층": a place below ground. "지하주차장 입구 옆" (beside a car-park
# entrance) and "(지하층)의 위층" (the floor above) are not.
_UNDERGROUND = re.compile(r"(지하\s*\d|B\d\s*층|\(B\d\)|지하층(?!\)?의\s*위층))")


def mentions_underground(*texts) -> bool:
    return any(_UNDERGROUND.search(str(text or "")) for text in texts)


def _underground_from(*columns: str):
    def read(row):
        return mentions_underground(*(row.get(c) for c in columns))
    return read


def _hhmm(value) -> int | None:
    text = str(value or "").strip()[:5]  # "09:00:00" -> "09:00"
    return opening_hours.parse_hhmm(text)


def _day_spans(row, prefix: str) -> list | None:
    flag = str(row.get(f"{prefix}_opn_yn") or "").strip().upper()
    if flag == "N":
        return []
    start, end = _hhmm(row.get(f"{prefix}_opn_hrm")), _hhmm(row.get(f"{prefix}_end_hrm"))
    if flag != "Y" or start is None or end is None:
        return None
    if end == 23 * 60 + 59:
        end = opening_hours.DAY
    return [opening_hours.interval(start, end)]


def _cold_hours(row) -> dict | None:
    """Weekday, Saturday, Sunday and holiday hours, open only in the operating season."""
    weekday, saturday, sunday = _day_spans(row, "wd"), _day_spans(row, "sat"), _day_spans(row, "sun")
    holiday = _day_spans(row, "lhldy")
    days = {}
    for number in range(1, 8):
        spans = weekday if number <= 5 else saturday if number == 6 else sunday
        if spans is not None:
            days[str(number)] = spans
    if not days:
        return None
    hours = {"24h": False, "days": days, "holiday": holiday, "text": ""}
    first, last = str(row.get("oper_bgng_ymd") or ""), str(row.get("oper_end_ymd") or "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", first) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", last):
        hours["season"] = {"from": first[5:], "to": last[5:], "dates": f"{first}~{last}"}
    return hours


def _climate_hours(row) -> dict | None:
    """기후동행쉼터: one daily opening and closing time. Bank branches open on weekdays only."""
    start, end = _hhmm(row.get("개방시간")), _hhmm(row.get("종료시간"))
    if start is None or end is None:
        return None
    if start == 0 and end in (opening_hours.DAY, 0):
        return opening_hours.always_open("00:00~24:00")
    span = [opening_hours.interval(start, end)]
    text = f"{opening_hours.format_minutes(start)}~{opening_hours.format_minutes(end)}"
    if "은행" in str(row.get("쉼터_구분") or ""):
        return {"24h": False, "days": {str(d): span if d <= 5 else [] for d in range(1, 8)}, "holiday": [],
                "text": f"평일 {text}"}
    return {"24h": False, "days": {str(d): span for d in range(1, 8)}, "holiday": None, "text": text}


FLOOD_SHELTERS = Format(
    name="seoul-flood-shelters",
    source="seoul-flood-shelters",
    description="서울시 수해대피소 JSON (r_seq_no, equp_nm, loc_sfpr_a, gb_acmd, xcord = lon, ycord = lat)",
    required=("r_seq_no", "equp_nm", "xcord", "ycord"),
    id="r_seq_no",
    name_field="equp_nm",
    address="loc_sfpr_a",
    lat="ycord",
    lon="xcord",
    attributes={"underground": _underground_from("equp_nm", "loc_sfpr_a")},
    details={"type": "gb_acmd", "capacity": "qty_cpty"},
)

EARTHQUAKE_SITES = Format(
    name="earthquake-outdoor-sites",
    source="earthquake-outdoor-sites",
    description="지진 옥외대피장소 CSV (시설번호, 수용시설명, 상세주소, 경도, 위도)",
    required=("시설번호", "수용시설명", "경도", "위도"),
    id="시설번호",
    name_field="수용시설명",
    address="상세주소",
    lat="위도",
    lon="경도",
    attributes={"underground": lambda row: False},
    details={"area_m2": "시설면적"},
)

HEAT_SHELTERS = Format(
    name="seoul-heat-shelters",
    source="seoul-heat-shelters",
    description="서울시 무더위쉼터 CSV, CP949 (위치코드, 쉼터명칭, 도로명주소, 비고, 경도, 위도)",
    required=("쉼터명칭", "도로명주소", "경도", "위도"),
    name_field="쉼터명칭",
    address=("도로명주소", "지번주소"),
    lat="위도",
    lon="경도",
    attributes={"underground": _underground_from("쉼터명칭", "비고")},
    details={"type": "시설구분2", "capacity": "이용가능인원", "remarks": "비고"},
)

COLD_SHELTERS = Format(
    name="seoul-cold-shelters",
    source="seoul-cold-shelters",
    description="서울시 한파쉼터 JSON (restarea_nm, road_nm_addr, wd/sat/sun/lhldy hours, oper_bgng_ymd/"
                "oper_end_ymd season, use_yn, lot = lon, lat)",
    required=("restarea_nm", "lot", "lat", "oper_bgng_ymd"),
    name_field="restarea_nm",
    address=("road_nm_addr", "lotno_addr"),
    lat="lat",
    lon="lot",
    status=refuse_unless(SKIP_NOT_IN_USE, yes("use_yn")),
    hours=_cold_hours,
    attributes={"underground": _underground_from("restarea_nm", "rmrk")},
    details={"type": "fclt_type", "capacity": "utztn_psblty_nope", "remarks": "rmrk"},
)

CLIMATE_SHELTERS = Format(
    name="seoul-climate-companion-shelters",
    source="seoul-climate-shelters",
    description="서울시 기후동행쉼터 CSV (쉼터_구분, 쉼터명, 도로명주소, 개방시간, 종료시간, 경도, 위도)",
    required=("쉼터명", "쉼터_구분", "개방시간", "경도", "위도"),
    name_field=lambda row: " ".join(str(row.get(c) or "").strip() for c in ("쉼터_구분", "쉼터명")).strip() or None,
    address="도로명주소",
    lat="위도",
    lon="경도",
    hours=_climate_hours,
    attributes={"underground": lambda row: False},
    details={"type": "쉼터_구분"},
)

CIVIL_DEFENCE_2026 = Format(
    name="civil-defence-shelters-localdata",
    source="civil-defence-shelters-2026",
    description="민방위 대피시설, LOCALDATA layout (관리번호, 시설명, 운영상태, 시설위치(지상/지하), "
                "위도(EPSG4326), 경도(EPSG4326)); only 운영상태 사용중 is offered",
    required=("관리번호", "시설명", "운영상태", "시설위치(지상/지하)", "위도(EPSG4326)", "경도(EPSG4326)"),
    id="관리번호",
    name_field="시설명",
    address=("도로명전체주소", "소재지전체주소"),
    lat="위도(EPSG4326)",
    lon="경도(EPSG4326)",
    status=refuse_unless(SKIP_RETIRED, equals("운영상태", "사용중")),
    data_date=lambda row: str(row.get("데이터갱신시점") or "")[:10] or None,
    attributes={"underground": lambda row: (str(row.get("시설위치(지상/지하)") or "").strip() == "지하"
                                            or mentions_underground(row.get("시설명")))},
    details={"type": "시설구분", "capacity": "최대수용인원"},
)

REFUGE_KINDS: dict[str, list[Format]] = {
    "flood_shelter": [FLOOD_SHELTERS],
    "earthquake_site": [EARTHQUAKE_SITES],
    "heat_shelter": [HEAT_SHELTERS],
    "cold_shelter": [COLD_SHELTERS],
    "climate_shelter": [CLIMATE_SHELTERS],
    "civil_defence_shelter": [CIVIL_DEFENCE_2026, CIVIL_DEFENCE_SHELTERS],
}
