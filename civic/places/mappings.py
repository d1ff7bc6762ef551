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
from civic.places.columns import (  # noqa: F401 - value and SKIP_NOT_OPERATING are re-exported
    SKIP_NOT_OPERATING,
    Spec,
    any_positive,
    both_positive,
    date_part,
    equals,
    hours_columns,
    hours_text,
    localdata_operating,
    mentions,
    moonlight_hours,
    position,
    value,
    yes,
)


@dataclass(frozen=True)
class Format:
    name: str
    source: str
    # Each entry a column, or a tuple of alternative column names (one must be present).
    required: tuple[str | tuple[str, ...], ...]
    name_field: Spec
    lat: Spec = None
    lon: Spec = None
    # Korean TM sources: x/y columns in metres and their EPSG code (5174, 5181, 5186...).
    x: Spec = None
    y: Spec = None
    crs: str | None = None
    # No coordinates at all: the row is placed at the legal dong its address names.
    locate_by_address: bool = False
    # A function of the row returning why it must not be offered (closed business...), or None.
    status: Callable[[dict], str | None] | None = None
    data_date: Spec = None
    id: Spec = None
    address: Spec = None
    phone: Spec = None
    # Whose number ``phone`` is when it is not the place's own (a toilet's 구청): shown as
    # "관리기관 전화 (강서구청)".
    phone_owner: Spec = None
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
    phone_owner="관리기관명",
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
    # The list gives the district office's number (its toilet section), not the building's.
    phone_owner=lambda row: f"{district}청" if (district := str(row.get("구 명칭") or "").strip()) else None,
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
    # An emergency room (응급의료기관) is open around the clock by law.
    hours=lambda row: opening_hours.always_open("응급실 24시간"),
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
    lat=position(0),
    lon=position(1),
    hours=moonlight_hours,
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
    description="서울시 약국 운영시간 정보 (약국명, 주소, 월요일 운영 ... 공휴일 운영; no coordinates: "
                "placed at the legal dong of the address)",
    required=("약국명", "주소", "월요일 운영"),
    locate_by_address=True,
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

# The city's LOCALDATA licence layout (지방행정 인허가 데이터: 약국, 병원, 의원 and many more
# licence kinds): CP949, TM coordinates in EPSG:5174, closed businesses included. Column names
# vary a little between editions (좌표정보(x) / 좌표정보(X), 도로명전체주소 / 도로명주소).
LOCALDATA = Format(
    name="localdata",
    source="localdata-{kind}",
    description="LOCALDATA 인허가 layout, any licence kind (관리번호, 사업장명, 영업상태명, 좌표정보(x)/(y) "
                "in EPSG:5174); only 영업/정상 rows are offered",
    required=("관리번호", "사업장명", "영업상태명", ("좌표정보(x)", "좌표정보(X)"), ("좌표정보(y)", "좌표정보(Y)")),
    id="관리번호",
    name_field="사업장명",
    address=("도로명전체주소", "도로명주소", "소재지전체주소", "지번주소"),
    phone=("소재지전화", "전화번호"),
    x=("좌표정보(x)", "좌표정보(X)"),
    y=("좌표정보(y)", "좌표정보(Y)"),
    crs="EPSG:5174",
    status=localdata_operating,
    data_date=date_part("데이터갱신일자", "데이터갱신시점", "최종수정시점"),
    details={"type": ("의료기관종별명", "업태구분명")},
)

CIVIL_DEFENCE_SHELTERS = Format(
    name="civil-defence-shelters",
    source="civil-defence-shelters",
    description="민방위 대피시설 (시설명, 도로명전체주소, 위도(EPSG4326), 경도(EPSG4326)); national file, "
                "rows outside the city are skipped",
    required=("시설명", "도로명전체주소", "위도(EPSG4326)", "경도(EPSG4326)"),
    # 번호 is a row number of the national list, so rows are keyed by name + address.
    name_field="시설명",
    address="도로명전체주소",
    lat="위도(EPSG4326)",
    lon="경도(EPSG4326)",
    # Civil-defence shelters are underground by design (2,911 of the 2,912 in use in Seoul).
    attributes={"underground": lambda row: True},
    details={"type": lambda row: "민방위 대피시설"},
)

NEMC_INSTITUTIONS = Format(
    name="nemc-institutions",
    source="nemc-institutions",
    description="NEMC 병·의원 기본정보 CSV (기관명, 주소, 응급실전화, 응급실가능여부, 경도, 위도)",
    required=("기관명", "주소", "경도", "위도"),
    name_field="기관명",
    address="주소",
    lat="위도",
    lon="경도",
    phone="응급실전화",
    attributes={"emergency_room": lambda row: True if str(row.get("응급실가능여부") or "").strip() == "Y" else None},
)

KINDS: dict[str, list[Format]] = {
    "toilet": [TOILET_NATIONAL_STANDARD, TOILET_SEOUL_LIST, TOILET_SEOUL_POI],
    "pharmacy": [MEDICAL_API, PHARMACY_LIST, PHARMACY_HOURS],
    "hospital": [MEDICAL_API, MOONLIGHT_HOSPITALS, NEMC_INSTITUTIONS],
    "emergency_room": [MEDICAL_API, EMERGENCY_ROOM_LIST],
    "wifi": [SEOUL_WIFI, SEOUL_WIFI_ADDRESSES],
}

# Every kind also accepts the LOCALDATA licence layout (tried last).
ANY_KIND: list[Format] = [LOCALDATA]

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
