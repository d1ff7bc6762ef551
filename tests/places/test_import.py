"""Importing the city's real open-data files (and fixtures in the official formats)."""

import csv
import io

import pytest
from sqlalchemy import func, select

from civic.geo import district_at, haversine_m
from civic.places import service
from civic.places.dongs import dong_of_address
from civic.places.importer import (
    FIX_SWAPPED,
    SKIP_DUPLICATE,
    SKIP_EXACT_KNOWN,
    SKIP_NO_DONG,
    SKIP_NO_LOCATION,
    SKIP_OUTSIDE,
    import_file,
)
from civic.places.mappings import SKIP_NOT_OPERATING
from civic.places.matching import dial_number
from civic.places.models import Place
from civic.places.readers import ImportFailed
from civic.places.seed import DATA as SEED_DATA
from tests.places.helpers import CITY_HALL, FIXTURES


def count(db, **filters):
    query = select(func.count()).select_from(Place)
    for name, value in filters.items():
        query = query.where(getattr(Place, name) == value)
    return db.session.scalar(query)


def by_name(db, name):
    return db.session.scalars(select(Place).where(Place.name == name)).one()


def test_national_standard_toilets(db):
    summary = import_file(FIXTURES / "toilet_national_standard.csv", "toilet")
    assert summary.format == "toilet-national-standard"
    assert (summary.rows, summary.inserted) == (37, 33)
    assert summary.skipped == {SKIP_NO_LOCATION: 4}
    place = by_name(db, "올림픽기념국민생활관")
    assert place.source_id == "202530000000100840"
    assert place.address == "서울특별시 종로구 성균관로 91"
    assert place.district_code == "11110"
    assert (place.lat, place.lon) == (37.59036, 126.99885)
    assert place.phone == "0221484057"
    assert place.hours["days"]["1"] == [[360, 1320]] and place.hours["days"]["7"] == [[540, 1080]]
    assert place.hours["holiday"] == []
    assert place.attributes == {"wheelchair": True, "gender_separated": True, "emergency_bell": True,
                                "cctv": False, "baby_changing": False, "open_24h": False,
                                "open_holidays": False}
    # The row after a quoted field with an embedded newline is read intact.
    library = by_name(db, "소나무언덕2호도서관")
    assert library.address == "서울특별시 송파구 석촌호수로 155" and library.district_code == "11710"
    assert library.hours["days"]["1"] == [] and library.hours["days"]["2"] == [[540, 1320]]
    assert library.hours["days"]["6"] == [[540, 1200]]


def test_reimport_is_idempotent_and_updates_changed_rows(db, tmp_path):
    import_file(FIXTURES / "toilet_national_standard.csv", "toilet")
    again = import_file(FIXTURES / "toilet_national_standard.csv", "toilet")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 33)
    text = (FIXTURES / "toilet_national_standard.csv").read_text(encoding="utf-8")
    changed = tmp_path / "changed.csv"
    changed.write_text(text.replace("올림픽기념국민생활관", "올림픽기념국민생활관 (새 이름)"), encoding="utf-8")
    third = import_file(changed, "toilet")
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 32)
    assert count(db) == 33
    assert by_name(db, "올림픽기념국민생활관 (새 이름)").source_id == "202530000000100840"


def test_cp949_file_with_korean_tm_coordinates(db):
    summary = import_file(FIXTURES / "toilet_poi_cp949.csv", "toilet")
    assert summary.format == "toilet-seoul-poi-tm"
    assert summary.inserted == 20
    # The same file also gives WGS84 longitude/latitude: the EPSG:5181 conversion must agree.
    with open(FIXTURES / "toilet_poi_cp949.csv", encoding="cp949") as fh:
        rows = {r["POI ID"]: r for r in csv.DictReader(fh)}
    for place in db.session.scalars(select(Place)):
        row = rows[place.source_id]
        assert place.lat == pytest.approx(float(row["위도"]), abs=1e-5)
        assert place.lon == pytest.approx(float(row["경도"]), abs=1e-5)
    assert by_name(db, "우성스포츠센터").district_code == "11590"   # 동작구


def test_seoul_toilet_list_without_ids_is_keyed_by_name_and_address(db):
    first = import_file(FIXTURES / "toilet_seoul_list.csv", "toilet")
    assert first.format == "toilet-seoul-list" and first.inserted == 30
    place = by_name(db, "게이트볼장 앞 화장실")
    assert place.source_id.startswith("na:")
    assert place.district_code == "11305"  # 강북구
    again = import_file(FIXTURES / "toilet_seoul_list.csv", "toilet")
    assert again.unchanged == 30 and again.inserted == 0


def test_seoul_wifi(db):
    summary = import_file(FIXTURES / "wifi_seoul.csv", "wifi")
    assert summary.inserted == 20
    place = db.session.scalars(select(Place).where(Place.source_id == "ARI00001")).one()
    assert place.category == "wifi" and place.name == "서울아리수본부"
    assert place.address == "서소문로 51 본관 1F 복도"
    assert place.attributes == {"indoor": True}
    assert place.district_code == "11410"  # 서대문구, as the file says


def test_wifi_export_with_swapped_coordinates(db):
    summary = import_file(FIXTURES / "wifi_addresses_2022.csv", "wifi")
    assert summary.format == "seoul-public-wifi-addresses"
    assert summary.fixed[FIX_SWAPPED] >= 9
    assert summary.skipped[SKIP_OUTSIDE] + summary.skipped[SKIP_NO_LOCATION] == 2  # 172.1 and 0/0
    assert summary.skipped[SKIP_DUPLICATE] >= 1
    for place in db.session.scalars(select(Place)):
        assert 37.4 < place.lat < 37.7 and 126.7 < place.lon < 127.2


def test_medical_api_json(db):
    summary = import_file(FIXTURES / "nemc_pharmacies.json", "pharmacy")
    assert summary.format == "medical-api" and summary.source == "nemc-pharmacy"
    assert summary.inserted == 3
    assert summary.skipped == {SKIP_OUTSIDE: 1, SKIP_NO_LOCATION: 1}
    always = by_name(db, "시청앞24시약국")
    assert always.hours["24h"] is True and always.attributes["open_24h"] is True
    weekday = by_name(db, "종로평일약국")
    assert weekday.hours["days"]["5"] == [[540, 1140]] and weekday.hours["days"]["7"] == []
    assert weekday.attributes["open_holidays"] is False
    assert by_name(db, "홍대심야약국").hours["days"]["1"] == [[1080, 1560]]


def test_medical_api_xml_for_emergency_rooms(db):
    summary = import_file(FIXTURES / "nemc_emergency_rooms.xml", "emergency_room")
    assert summary.inserted == 2
    snuh = db.session.scalars(select(Place).where(Place.source_id == "A1100017")).one()
    assert snuh.category == "emergency_room" and snuh.name == "서울대학교병원"
    assert snuh.details["er_phone"] == "02-2072-2473"
    assert snuh.attributes["emergency_room"] is True and snuh.hours["24h"] is True
    # The same institution may be listed as a hospital too: separate places, no clash.
    import_file(FIXTURES / "nemc_emergency_rooms.xml", "hospital")
    assert count(db) == 4


def test_emergency_room_list_and_children_hospitals(db):
    summary = import_file(FIXTURES / "emergency_rooms.csv", "emergency_room")
    assert (summary.inserted, summary.skipped[SKIP_OUTSIDE]) == (6, 3)
    moon = import_file(FIXTURES / "moonlight_hospitals.json", "hospital")
    assert (moon.inserted, moon.skipped[SKIP_OUTSIDE]) == (2, 1)
    place = db.session.scalars(select(Place).where(Place.source_id == "A1100170")).one()
    assert place.hours["days"]["1"] == [[1080, 1320]] and place.district_code == "11530"  # 구로구


def test_pharmacy_hours_are_placed_at_the_legal_dong_of_the_address(db):
    summary = import_file(FIXTURES / "pharmacy_hours_cp949.csv", "pharmacy", data_date="2021")
    assert summary.format == "seoul-pharmacy-hours"
    assert summary.inserted == 4
    # Row 4 has only a road address, which names no dong: not placed anywhere.
    assert summary.skipped == {SKIP_NO_DONG: 1} and summary.skipped_rows == {SKIP_NO_DONG: [4]}
    assert "  skipped 1: the address names no legal dong of the city (row 4)" in summary.lines()
    place = by_name(db, "진메디칼약국")
    assert place.location_precision == "dong" and place.district_code == "11710"  # 송파구
    assert dong_of_address(place.address).name == "마천동"
    assert district_at(place.lat, place.lon).code == "11710"
    assert place.hours["days"]["1"] == [[540, 1200]] and place.hours["days"]["7"] == []
    assert place.details["data_date"] == "2021"
    # Two pharmacies in one dong share the dong's point.
    assert by_name(db, "경일약국").district_code == "11545"  # 금천구 시흥동


def test_localdata_pharmacies_import_exactly(db):
    """The LOCALDATA layout (CP949, EPSG:5174, closed businesses included): operating rows land
    on their own spot, closed ones are never offered, broken rows are reported by row."""
    summary = import_file(FIXTURES / "localdata_pharmacies_cp949.csv", "pharmacy")
    assert summary.format == "localdata" and summary.source == "localdata-pharmacy"
    assert summary.rows == 12 and summary.inserted == 6
    assert summary.skipped == {SKIP_NOT_OPERATING: 3, SKIP_NO_LOCATION: 2, SKIP_OUTSIDE: 1}
    assert summary.skipped_rows[SKIP_NOT_OPERATING] == [6, 7, 9]
    assert summary.skipped_rows[SKIP_NO_LOCATION] == [10, 12] and summary.skipped_rows[SKIP_OUTSIDE] == [11]
    with open(FIXTURES / "make_localdata_pharmacies.py", encoding="utf-8") as fh:
        source = fh.read()
    real = {name: (lat, lon) for name, _, _, lat, lon, status in _fixture_rows(source) if status == "영업/정상"}
    assert len(real) == 5
    for name, (lat, lon) in real.items():
        place = by_name(db, name)
        assert place.location_precision == "exact" and place.district_code == "11290"  # 성북구
        assert haversine_m(place.lat, place.lon, lat, lon) < 5, name
    spot = by_name(db, "365열린동대문약국")  # the published spot check: 종로 323, by Dongdaemun
    assert spot.district_code == "11110" and haversine_m(spot.lat, spot.lon, 37.57264, 127.01352) < 5
    assert spot.source_id == "PHMB201530000331000001" and spot.details["data_date"] == "2026-04-22"
    assert count(db, name="소원약국") == 0 and count(db, name="새성신약국") == 0 and count(db, name="휴업중약국") == 0
    nearby = service.nearest_places(37.58650918, 127.0294735, "pharmacy", limit=100, radius_m=20000)
    assert "소원약국" not in {r.place.name for r in nearby}
    again = import_file(FIXTURES / "localdata_pharmacies_cp949.csv", "pharmacy")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)


def _fixture_rows(source: str):
    import ast

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "REAL":
            return ast.literal_eval(node.value)
    raise AssertionError("REAL not found")


def test_an_exact_row_replaces_the_approximate_one_and_keeps_its_hours(db):
    hours = import_file(FIXTURES / "pharmacy_hours_seongbuk.csv", "pharmacy")
    assert hours.inserted == 3 and by_name(db, "호수온누리약국").location_precision == "dong"
    exact = import_file(FIXTURES / "localdata_pharmacies_cp949.csv", "pharmacy")
    assert exact.replaced == 3 and "replaced 3 approximate place(s)" in exact.lines()[1]
    place = by_name(db, "호수온누리약국")  # one place, at its own spot, with the list's hours
    assert place.location_precision == "exact" and place.source == "localdata-pharmacy"
    assert place.hours["days"]["1"] == [[540, 1110]] and place.details["hours_source"] == "seoul-pharmacy-hours"
    assert by_name(db, "홀리데이약국").hours["days"]["6"] == [[510, 900]]  # matched by phone, not address
    # Importing either file again changes nothing and duplicates nothing.
    again = import_file(FIXTURES / "pharmacy_hours_seongbuk.csv", "pharmacy")
    assert again.inserted == 0 and again.skipped == {SKIP_EXACT_KNOWN: 3, SKIP_NO_DONG: 1}
    assert import_file(FIXTURES / "localdata_pharmacies_cp949.csv", "pharmacy").unchanged == 6
    assert count(db, name="호수온누리약국") == 1 and by_name(db, "호수온누리약국").hours is not None
    assert service.nearest_places(*CITY_HALL, "pharmacy", limit=1, radius_m=20000)[0].place.name == "365열린동대문약국"


def test_localdata_hospitals_bundled_seoul_rows(db):
    summary = import_file(SEED_DATA / "seoul_localdata_hospitals.csv", "hospital")
    assert summary.format == "localdata" and summary.rows == 861
    assert summary.inserted == 540 and summary.skipped[SKIP_NOT_OPERATING] == 861 - 559
    assert summary.skipped[SKIP_NO_LOCATION] == 19
    place = by_name(db, "경희대학교병원")
    assert place.details["type"] == "종합병원" and place.district_code == "11230"
    # NEMC puts it 320 m away, on the same campus (a large site; the two sources pick different buildings).
    assert haversine_m(place.lat, place.lon, 37.5938765502235, 127.05183223390303) < 400


def test_civil_defence_shelters_keep_the_city_by_boundary(db):
    summary = import_file(FIXTURES / "civil_defence_shelters.csv", "civil_defence_shelter")
    assert summary.format == "civil-defence-shelters"
    # Four Seongnam rows lie inside Seoul's bounding box but outside its boundary.
    assert summary.inserted == 6 and summary.skipped == {SKIP_OUTSIDE: 5}
    assert summary.skipped_rows[SKIP_OUTSIDE] == [7, 8, 9, 10, 11]
    shelter = by_name(db, "현대빌딩 본관 지하2층")
    assert shelter.district_code == "11110" and shelter.attributes["underground"] is True


def test_url_encoded_phone_ranges_are_cleaned(db, tmp_path):
    path = tmp_path / "er.csv"
    path.write_text("병원이름,주소,응급의료기관 종류,전화번호 1,전화번호 3,위도,경도\n"
                    "서울시청병원,서울특별시 중구 세종대로 110,지역응급의료기관,02-2133-0001%7E6,,37.5663,126.9779\n",
                    encoding="utf-8")
    import_file(path, "emergency_room")
    place = by_name(db, "서울시청병원")
    assert place.phone == "02-2133-0001~6"
    assert dial_number(place.phone) == "02-2133-0001"


def test_geojson_with_a_property_mapping(db):
    summary = import_file(FIXTURES / "shelters.geojson", "flood_shelter",
                          property_map={"name": "시설명", "address": "주소"})
    assert summary.inserted == 2 and summary.skipped == {SKIP_NO_LOCATION: 1}
    place = by_name(db, "강남역 지하상가 대피소")
    assert place.category == "flood_shelter" and place.source_id == "S-2" and place.district_code == "11680"
    with pytest.raises(ImportFailed, match="시설명|name"):
        import_file(FIXTURES / "shelters.geojson", "flood_shelter")


@pytest.mark.parametrize("content, kind, message", [
    (None, "toilet", "not a 'toilet' file"),                       # the wifi list as toilets
    ("화장실명,소재지도로명주소,WGS84위도\n가,나,37.5\n".encode(), "toilet", "missing column"),
    (b"\xff\xfe\xff\x00garbage", "toilet", "neither UTF-8 nor CP949"),
    (b"", "toilet", "empty"),
    (b"{not json", "pharmacy", "Not valid JSON"),
    (None, "bogus", "Unknown kind"),
])
def test_bad_files_stop_and_write_nothing(db, tmp_path, content, kind, message):
    import_file(FIXTURES / "wifi_seoul.csv", "wifi")
    path = FIXTURES / "wifi_seoul.csv"
    if content is not None:
        path = tmp_path / "bad.csv"
        path.write_bytes(content)
    with pytest.raises(ImportFailed, match=message):
        import_file(path, kind)
    assert count(db) == 20


def test_api_error_response_is_refused(db):
    with pytest.raises(ImportFailed, match="SERVICE KEY"):
        import_file(FIXTURES / "nemc_error.xml", "pharmacy")


def test_cli_import_prints_a_summary(runner, db):
    path = str(FIXTURES / "toilet_national_standard.csv")
    result = runner.invoke(args=["places", "import", path, "--kind", "toilet"])
    assert result.exit_code == 0, result.output
    assert "inserted 33, updated 0, unchanged 0, skipped 4" in result.output
    assert f"skipped 4: {SKIP_NO_LOCATION}" in result.output
    bad = runner.invoke(args=["places", "import", str(FIXTURES / "wifi_seoul.csv"), "--kind", "toilet"])
    assert bad.exit_code == 1 and "Nothing was imported" in bad.output
    mapped = runner.invoke(args=["places", "import", str(FIXTURES / "shelters.geojson"), "--kind", "flood_shelter",
                                 "--map", "name=시설명", "--map", "address=주소"])
    assert mapped.exit_code == 0 and "inserted 2" in mapped.output


def test_cli_shows_progress_on_long_files(runner, db, tmp_path):
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["X_SWIFI_MGR_NO", "X_SWIFI_MAIN_NM", "X_SWIFI_ADRES1", "LAT", "LNT"])
    for i in range(2500):
        writer.writerow([f"T{i}", f"AP {i}", "세종대로 110", 37.55 + i * 1e-5, 126.97])
    path = tmp_path / "long.csv"
    path.write_text(rows.getvalue(), encoding="utf-8")
    result = runner.invoke(args=["places", "import", str(path), "--kind", "wifi"])
    assert result.exit_code == 0
    assert "importing" in result.output and "inserted 2500" in result.output


def test_seed_loads_the_bundled_data_once(db):
    from civic.places.seed import seed

    added = seed()
    assert added > 5000
    assert count(db, category="toilet") > 4000 and count(db, category="emergency_room") > 50
    assert seed() == 0


def test_cli_lists_the_kinds_and_their_formats(runner):
    result = runner.invoke(args=["places", "kinds"])
    assert result.exit_code == 0
    assert "toilet: 전국공중화장실표준데이터" in result.output
    assert "civil_defence_shelter: 민방위 대피시설, LOCALDATA layout" in result.output
    assert "flood_shelter: 서울시 수해대피소 JSON" in result.output
    assert "public_office: LOCALDATA 인허가 layout, any licence kind" in result.output
