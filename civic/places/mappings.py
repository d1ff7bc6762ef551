"""One declarative column mapping per source format, grouped by import kind.

A kind (``--kind toilet``) accepts every format listed for it; the importer picks the first
whose required columns are all in the file. Field specs are a column name, a tuple of columns
(the first non-empty wins) or a function of the row. Adding a source format means adding an
entry here, not changing the importer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from civic.places import opening_hours

Spec = str | tuple[str, ...] | Callable[[dict], object] | None


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


def _moonlight_hours(row):
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


def _position(index: int):
    def read(row):
        position = row.get("position") or []
        return position[index] if isinstance(position, (list, tuple)) and len(position) == 2 else None
    return read


@dataclass(frozen=True)
class Format:
    name: str
    source: str
    required: tuple[str, ...]
    name_field: Spec
    lat: Spec = None
    lon: Spec = None
    # Korean TM sources: x/y columns in metres and their EPSG code (5174, 5181, 5186...).
    x: Spec = None
    y: Spec = None
    crs: str | None = None
    id: Spec = None
    address: Spec = None
    phone: Spec = None
    hours: Callable[[dict], dict | None] | None = None
    attributes: dict[str, Callable[[dict], bool | None]] = field(default_factory=dict)
    details: dict[str, Spec] = field(default_factory=dict)
    description: str = ""


TOILET_NATIONAL_STANDARD = Format(
    name="toilet-national-standard",
    source="toilet-std",
    description="전국공중화장실표준데이터 (national standard 공중화장실정보)",
    required=("화장실명", "소재지도로명주소", "소재지지번주소", "WGS84위도", "WGS84경도"),
    id="관리번호",
    name_field="화장실명",
    address=("소재지도로명주소", "소재지지번주소"),
    lat="WGS84위도",
    lon="WGS84경도",
    phone="전화번호",
    hours=hours_text("개방시간", "개방시간상세"),
    attributes={
        "wheelchair": any_positive("남성용-장애인용대변기수", "남성용-장애인용소변기수", "여성용-장애인용대변기수"),
        "gender_separated": both_positive(("남성용-대변기수", "남성용-소변기수"), ("여성용-대변기수",)),
        "emergency_bell": yes("비상벨설치여부"),
        "cctv": yes("화장실입구CCTV설치유무"),
        "baby_changing": yes("기저귀교환대유무"),
    },
    details={"type": "구분명", "manager": "관리기관명", "data_date": "데이터기준일자"},
)

TOILET_SEOUL_LIST = Format(
    name="toilet-seoul-list",
    source="seoul-toilets",
    description="서울시 공중화장실 현황 (연번, 도로명주소, x 좌표, y 좌표, 건물명 ...)",
    required=("도로명주소", "x 좌표", "y 좌표", "건물명"),
    # 연번 is a row number that changes between editions, so rows are keyed by name + address.
    name_field="건물명",
    address=("도로명주소", "지번주소"),
    lat="y 좌표",
    lon="x 좌표",
    phone="전화번호",
    hours=hours_text("개방시간"),
    attributes={
        "wheelchair": mentions("장애인화장실 현황", "휠체어", "장애인"),
        "baby_changing": lambda row: (mentions("장애인화장실 현황", "기저귀")(row)
                                      or mentions("편의시설 (기타설비)", "기저귀")(row)),
        "emergency_bell": lambda row: (mentions("장애인화장실 현황", "비상벨")(row)
                                       or mentions("편의시설 (기타설비)", "비상벨")(row)),
        "gender_separated": lambda row: True if all(
            w in str(row.get("화장실 현황") or "") for w in ("남", "여")) else None,
    },
    details={"type": "유형", "location_use": "소재지 용도"},
)

TOILET_SEOUL_POI = Format(
    name="toilet-seoul-poi-tm",
    source="seoul-toilet-poi",
    description="서울시 공중화장실 위치정보 (POI ID, 대명칭, 중앙좌표X1/Y1 in EPSG:5181)",
    required=("POI ID", "대명칭", "중앙좌표X1", "중앙좌표Y1"),
    id="POI ID",
    name_field="대명칭",
    x="중앙좌표X1",
    y="중앙좌표Y1",
    crs="EPSG:5181",
    details={"type": "중명칭"},
)

# The national medical-institution APIs (HIRA / NEMC, e.g. getParmacyListInfoInqire,
# getHsptlMdcncListInfoInqire, getEgytListInfoInqire), saved as JSON or XML.
MEDICAL_API = Format(
    name="medical-api",
    source="nemc-{kind}",
    description="NEMC/HIRA API records (hpid, dutyName, dutyTime1s ... dutyTime8c, wgs84Lat, wgs84Lon)",
    required=("hpid", "dutyName", "wgs84Lat", "wgs84Lon"),
    id="hpid",
    name_field="dutyName",
    address="dutyAddr",
    lat="wgs84Lat",
    lon="wgs84Lon",
    phone="dutyTel1",
    hours=opening_hours.from_duty_times,
    attributes={"emergency_room": equals("dutyEryn", "1")},
    details={"er_phone": "dutyTel3", "type": "dutyDivNam"},
)

EMERGENCY_ROOM_LIST = Format(
    name="emergency-room-list",
    source="nemc-er-list",
    description="응급의료기관 목록 CSV (병원이름, 주소, 응급의료기관 종류, 전화번호 1/3, 위도, 경도)",
    required=("병원이름", "주소", "위도", "경도"),
    name_field="병원이름",
    address="주소",
    lat="위도",
    lon="경도",
    phone="전화번호 1",
    attributes={"emergency_room": lambda row: True},
    details={"er_phone": "전화번호 3", "type": "응급의료기관 종류"},
)

MOONLIGHT_HOSPITALS = Format(
    name="moonlight-children-hospitals",
    source="moonlight-hospitals",
    description="달빛어린이병원 JSON (data_key, name, address, hours.{monday..holiday}, position [lat, lon])",
    required=("data_key", "name", "position"),
    id="data_key",
    name_field="name",
    address="address",
    phone="phone",
    lat=_position(0),
    lon=_position(1),
    hours=_moonlight_hours,
    attributes={"children": lambda row: True},
    details={"type": "type"},
)

PHARMACY_LIST = Format(
    name="pharmacy-list",
    source="pharmacy-list",
    description="약국 목록 CSV with coordinates (약국명, 주소, 약국전화번호, 위도, 경도)",
    required=("약국명", "주소", "위도", "경도"),
    name_field="약국명",
    address="주소",
    lat="위도",
    lon="경도",
    phone="약국전화번호",
)

PHARMACY_HOURS = Format(
    name="seoul-pharmacy-hours",
    source="seoul-pharmacy-hours",
    description="서울시 약국 운영시간 정보 (약국명, 주소, 월요일 운영 ... 공휴일 운영; no coordinates)",
    required=("약국명", "주소", "월요일 운영"),
    name_field="약국명",
    address="주소",
    phone="대표전화",
    hours=hours_columns({1: "월요일 운영", 2: "화요일 운영", 3: "수요일 운영", 4: "목요일 운영",
                         5: "금요일 운영", 6: "토요일 운영", 7: "일요일 운영", 8: "공휴일 운영"}),
)

SEOUL_WIFI = Format(
    name="seoul-public-wifi",
    source="seoul-wifi",
    description="서울시 공공와이파이 (TbPublicWifiInfo: X_SWIFI_MGR_NO ... LAT, LNT)",
    required=("X_SWIFI_MGR_NO", "X_SWIFI_MAIN_NM", "X_SWIFI_ADRES1", "LAT", "LNT"),
    id="X_SWIFI_MGR_NO",
    name_field="X_SWIFI_MAIN_NM",
    address=lambda row: " ".join(str(row.get(c) or "").strip()
                                 for c in ("X_SWIFI_ADRES1", "X_SWIFI_ADRES2")).strip(),
    lat="LAT",
    lon="LNT",
    attributes={"indoor": equals("X_SWIFI_INOUT_DOOR", "실내")},
    details={"floor": "X_SWIFI_INSTL_FLOOR", "district_name": "X_SWIFI_WRDOFC", "type": "X_SWIFI_INSTL_TY"},
)

# An older export with no AP name or number (and LAT/LNT mostly swapped, which the importer
# detects): access points at one address become one place.
SEOUL_WIFI_ADDRESSES = Format(
    name="seoul-public-wifi-addresses",
    source="seoul-wifi-addresses",
    description="서울시 공공와이파이, address-only export (X_SWIFI_ADRES1/2, LAT, LNT)",
    required=("X_SWIFI_ADRES1", "LAT", "LNT"),
    name_field=lambda row: " ".join(str(row.get(c) or "").strip()
                                    for c in ("X_SWIFI_ADRES1", "X_SWIFI_ADRES2")).strip() or None,
    address=lambda row: " ".join(str(row.get(c) or "").strip()
                                 for c in ("X_SWIFI_WRDOFC", "X_SWIFI_ADRES1")).strip(),
    lat="LAT",
    lon="LNT",
    attributes={"indoor": equals("X_SWIFI_INOUT_DOOR", "실내")},
)

KINDS: dict[str, list[Format]] = {
    "toilet": [TOILET_NATIONAL_STANDARD, TOILET_SEOUL_LIST, TOILET_SEOUL_POI],
    "pharmacy": [MEDICAL_API, PHARMACY_LIST, PHARMACY_HOURS],
    "hospital": [MEDICAL_API, MOONLIGHT_HOSPITALS],
    "emergency_room": [MEDICAL_API, EMERGENCY_ROOM_LIST],
    "wifi": [SEOUL_WIFI, SEOUL_WIFI_ADDRESSES],
}

GEOJSON_FIELDS = ("id", "name", "address", "phone", "hours")


def geojson_format(kind: str, property_map: dict[str, str] | None = None) -> Format:
    """Any kind as GeoJSON points; ``property_map`` maps our fields to the file's properties."""
    names = {"id": "id", "name": "name", "address": "address", "phone": "phone", "hours": "opening_hours"}
    names.update(property_map or {})
    return Format(
        name="geojson",
        source="geojson-{kind}",
        description="GeoJSON FeatureCollection of points",
        required=(names["name"],),
        id=(names["id"], "__feature_id"),
        name_field=names["name"],
        address=names["address"],
        phone=names["phone"],
        lat="__lat",
        lon="__lon",
        hours=hours_text(names["hours"]),
    )
