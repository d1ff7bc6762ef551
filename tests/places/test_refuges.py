"""The refuge readers and the other new layouts, on small fixture files written here: one reader
per layout, row-by-row refusals with row numbers and reasons, idempotent imports."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import func, select

from civic.places.importer import SKIP_NO_LOCATION, SKIP_OUTSIDE, SKIP_PLACEHOLDER, SKIP_SAME_PLACE, import_file
from civic.places.models import Place
from civic.places.readers import ImportFailed
from civic.places.refuge_formats import SKIP_NOT_IN_USE, SKIP_RETIRED
from tests.places.helpers import FIXTURES


def by_name(db, name):
    return db.session.scalars(select(Place).where(Place.name == name)).one()


def count(db, **where):
    query = select(func.count()).select_from(Place)
    for column, value in where.items():
        query = query.where(getattr(Place, column) == value)
    return db.session.scalar(query)


def flood_row(seq, name, lon, lat):
    return {"r_seq_no": seq, "sgg_nm": "강서구", "gb_acmd": "학교", "equp_nm": name,
            "loc_sfpr_a": "서울특별시 강서구 화곡로 302", "qty_cpty": 300, "xcord": lon, "ycord": lat,
            "cd_gubun": "안전"}


def test_flood_refuges_refuse_placeholder_and_outside_coordinates_row_by_row(db, tmp_path):
    rows = [flood_row(1, "화곡초등학교", 126.8490, 37.5410),
            flood_row(2, "자리표시 1", 127.0, 37.0),         # placeholder
            flood_row(3, "엉뚱한 곳", 125.0, 31.0),          # placeholder
            flood_row(4, "동해", 129.9, 37.55),               # outside the city
            flood_row(5, "글자 좌표", "abc", "def"),          # garbage
            flood_row(6, "지하 1층 강당", 126.8500, 37.5420)]
    path = tmp_path / "flood.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"DESCRIPTION": {}, "DATA": rows}, ensure_ascii=False).encode()))
    summary = import_file(path, "flood_shelter")
    assert summary.format == "seoul-flood-shelters" and summary.inserted == 2
    assert summary.skipped_rows == {SKIP_PLACEHOLDER: [2, 3], SKIP_OUTSIDE: [4], SKIP_NO_LOCATION: [5]}
    assert by_name(db, "화곡초등학교").attributes["underground"] is False
    assert by_name(db, "지하 1층 강당").attributes["underground"] is True
    again = import_file(path, "flood_shelter")
    assert again.inserted == 0 and again.unchanged == 2 and count(db) == 2


def test_civil_defence_shelters_2026_keep_only_those_in_use_and_know_they_are_underground(db, tmp_path):
    header = ("개방자치단체코드,관리번호,소재지전체주소,도로명전체주소,운영상태,시설명,시설구분,시설위치(지상/지하),"
              "최대수용인원,위도(EPSG4326),경도(EPSG4326),데이터갱신시점\n")
    rows = ["3000000,S-1,,서울특별시 종로구 세종대로 175,사용중,세종빌딩 지하1층,공공용시설,지하,500,37.5720,126.9769,"
            "2026-02-26 22:58:40",
            "3000000,S-2,,서울특별시 종로구 율곡로 1,사용중지,폐쇄된 대피소,공공용시설,지하,100,37.5740,126.9800,",
            "3000000,S-3,,서울특별시 종로구 종로 1,사용중,지상 대피소,공공용시설,지상,100,37.5700,126.9790,",
            "3000000,S-4,,서울특별시 종로구 종로 2,사용중,좌표 없음,공공용시설,지하,100,,,"]
    path = tmp_path / "civil.csv"
    path.write_text("\ufeff" + header + "\n".join(rows) + "\n", encoding="utf-8")
    summary = import_file(path, "civil_defence_shelter")
    assert summary.format == "civil-defence-shelters-localdata" and summary.inserted == 2
    assert summary.skipped_rows == {SKIP_RETIRED: [2], SKIP_NO_LOCATION: [4]}
    assert by_name(db, "세종빌딩 지하1층").attributes["underground"] is True
    assert by_name(db, "세종빌딩 지하1층").details["data_date"] == "2026-02-26"
    assert by_name(db, "지상 대피소").attributes["underground"] is False


def test_cold_shelters_have_hours_per_day_type_and_a_season(db, tmp_path):
    base = {"restarea_nm": "화곡본동주민센터", "fclt_type": "주민센터", "road_nm_addr": "서울특별시 강서구 화곡로 302",
            "lot": 126.8490, "lat": 37.5410, "use_yn": "Y", "wd_opn_yn": "Y", "wd_opn_hrm": "09:00:00",
            "wd_end_hrm": "18:00:00", "sat_opn_yn": "N", "sun_opn_yn": "N", "lhldy_opn_yn": "N",
            "oper_bgng_ymd": "2024-11-15", "oper_end_ymd": "2025-03-15", "rmrk": "한파특보 시 연장"}
    closed = {**base, "restarea_nm": "닫은 쉼터", "use_yn": "N"}
    path = tmp_path / "cold.json"
    path.write_text(json.dumps({"DESCRIPTION": {}, "DATA": [base, closed]}, ensure_ascii=False), encoding="utf-8")
    summary = import_file(path, "cold_shelter")
    assert summary.inserted == 1 and summary.skipped_rows == {SKIP_NOT_IN_USE: [2]}
    hours = by_name(db, "화곡본동주민센터").hours
    assert hours["days"]["1"] == [[540, 1080]] and hours["days"]["6"] == [] and hours["holiday"] == []
    assert hours["season"] == {"from": "11-15", "to": "03-15", "dates": "2024-11-15~2025-03-15"}


def test_climate_companion_shelters_banks_open_on_weekdays_only(db, tmp_path):
    path = tmp_path / "climate.csv"
    path.write_text("\ufeff순번,쉼터_구분,쉼터명,구이름,도로명주소,개방시간,종료시간,경도,위도\n"
                    "1,신한은행,화곡역지점,강서구,서울특별시 강서구 화곡로 1,09:00:00,16:00:00,126.8490,37.5410\n"
                    "2,GS25,화곡점,강서구,서울특별시 강서구 화곡로 2,00:00:00,24:00:00,126.8491,37.5411\n",
                    encoding="utf-8")
    assert import_file(path, "climate_shelter").inserted == 2
    bank = by_name(db, "신한은행 화곡역지점").hours
    assert bank["days"]["5"] == [[540, 960]] and bank["days"]["6"] == [] and bank["text"] == "평일 09:00~16:00"
    assert by_name(db, "GS25 화곡점").hours["24h"] is True


@pytest.mark.parametrize("content, kind, message", [
    ("이름,주소\n화곡초등학교,강서구\n", "flood_shelter", "not a 'flood_shelter' file"),
    ('{"DATA": [{"restarea_nm": "x", "lot": 1, "lat": 2, "oper_bgng_ymd": "2024-11-15"}]}', "flood_shelter",
     "looks like a 'cold_shelter' file"),
])
def test_unknown_layouts_are_refused_whole(db, tmp_path, content, kind, message):
    path = tmp_path / "file.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed, match=message):
        import_file(path, kind)
    assert count(db) == 0


def test_wrong_encoding_is_refused(db, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("쉼터명칭,도로명주소,경도,위도\n".encode("utf-16"))
    with pytest.raises(ImportFailed, match="neither UTF-8 nor CP949"):
        import_file(path, "heat_shelter")
    assert count(db) == 0


def _tm(lat: float, lon: float) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:5174", always_xy=True).transform(lon, lat)


def test_localdata_2026_layout_takes_the_hours_of_its_dong_placed_twin(db, tmp_path):
    import_file(FIXTURES / "pharmacy_hours_cp949.csv", "pharmacy", data_date="2021")
    twin = count(db, category="pharmacy", location_precision="dong")
    x, y = _tm(37.4960, 127.1500)
    path = tmp_path / "localdata.csv"
    path.write_text('"관리번호","영업상태명","사업장명","도로명주소","지번주소","전화번호","좌표정보(X)","좌표정보(Y)",'
                    '"데이터갱신시점"\n'
                    f'"P-1","영업/정상","진메디칼약국","서울특별시 송파구 마천로57길 3, 1층 (마천동)","","02-400-9240",'
                    f'"{x:.2f}","{y:.2f}","2026-04-22 02:40:00"\n'
                    '"P-2","영업/정상","좌표없는약국","서울특별시 송파구 마천로 1","","","","","2026-04-22"\n'
                    '"P-3","폐업","닫은약국","서울특별시 송파구 마천로 2","","","1.00","2.00","2026-04-22"\n',
                    encoding="utf-8")
    summary = import_file(path, "pharmacy")
    assert summary.format == "localdata" and summary.inserted == 1 and summary.replaced == 1
    assert summary.skipped_rows[SKIP_NO_LOCATION] == [2]
    exact = by_name(db, "진메디칼약국")
    assert exact.location_precision == "exact" and exact.hours["days"]["1"] == [[540, 1200]]
    assert exact.details["hours_source"] == "seoul-pharmacy-hours" and exact.details["hours_date"] == "2021"
    assert exact.details["data_date"] == "2026-04-22"
    assert count(db, category="pharmacy", location_precision="dong") == twin - 1
    assert import_file(path, "pharmacy").inserted == 0  # idempotent
    assert by_name(db, "진메디칼약국").hours["days"]["1"] == [[540, 1200]]


def test_the_same_hospital_from_two_sources_appears_once(db, tmp_path):
    first = tmp_path / "moonlight.json"
    first.write_text(json.dumps([{"data_key": "A1", "name": "강서병원", "address": "서울특별시 강서구 화곡로 1",
                                  "position": [37.5410, 126.8490]}], ensure_ascii=False), encoding="utf-8")
    second = tmp_path / "nemc.csv"
    second.write_text("기관명,주소,응급실전화,응급실가능여부,경도,위도\n"
                      "강서 병원,서울특별시 강서구 화곡로 1,,,126.8495,37.5413\n"      # 55 m away
                      "강서병원,서울특별시 강서구 공항대로 1,,,126.8600,37.5500\n",   # another branch, far
                      encoding="utf-8")
    import_file(first, "hospital")
    summary = import_file(second, "hospital")
    assert summary.inserted == 1 and summary.skipped_rows == {SKIP_SAME_PLACE: [1]}
    assert import_file(second, "hospital").inserted == 0


def test_emergency_rooms_are_open_around_the_clock_and_national_numbers_lose_the_area_code(db, tmp_path):
    path = tmp_path / "er.csv"
    path.write_text("병원이름,주소,응급의료기관 종류,전화번호 1,전화번호 3,위도,경도\n"
                    "강서응급,서울특별시 강서구 화곡로 1,지역응급의료기관,02-1588-1234,,37.5410,126.8490\n",
                    encoding="utf-8")
    import_file(path, "emergency_room")
    er = by_name(db, "강서응급")
    assert er.hours["24h"] is True and er.attributes["open_24h"] is True
    assert er.phone == "1588-1234"


def test_a_toilets_phone_is_labelled_as_the_managing_offices(client, db, tmp_path):
    path = tmp_path / "toilets.csv"
    path.write_text('"연번","도로명주소","지번주소","x 좌표","y 좌표","건물명","구 명칭","전화번호","유형","개방시간"\n'
                    '"1","서울특별시 강서구 양천로 1","","126.8490","37.5410","터보빌딩","강서구","02-2600-4073",'
                    '"민간개방","상시"\n', encoding="utf-8")
    import_file(path, "toilet")
    toilet = by_name(db, "터보빌딩")
    assert toilet.details["phone_owner"] == "강서구청"
    page = client.get(f"/places/{toilet.id}").get_data(as_text=True)
    assert "관리기관 전화 (강서구청) 02-2600-4073" in page
    listing = client.get("/places?category=toilet&lat=37.5410&lon=126.8490").get_data(as_text=True)
    assert "관리기관 전화 (강서구청)" in listing
