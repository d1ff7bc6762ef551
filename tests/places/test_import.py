"""Importing the city's real open-data files (and fixtures in the official formats)."""

import csv
import io

import pytest
from sqlalchemy import func, select

from civic.places.importer import FIX_SWAPPED, SKIP_DUPLICATE, SKIP_NO_LOCATION, SKIP_OUTSIDE, import_file
from civic.places.models import Place
from civic.places.readers import ImportFailed
from tests.places.helpers import FIXTURES


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


def test_pharmacy_hours_without_coordinates_are_skipped(db):
    summary = import_file(FIXTURES / "pharmacy_hours_cp949.csv", "pharmacy")
    assert summary.format == "seoul-pharmacy-hours"
    assert summary.skipped == {SKIP_NO_LOCATION: 5} and count(db) == 0


def test_geojson_with_a_property_mapping(db):
    summary = import_file(FIXTURES / "shelters.geojson", "shelter", property_map={"name": "시설명", "address": "주소"})
    assert summary.inserted == 2 and summary.skipped == {SKIP_NO_LOCATION: 1}
    place = by_name(db, "강남역 지하상가 대피소")
    assert place.category == "shelter" and place.source_id == "S-2" and place.district_code == "11680"
    with pytest.raises(ImportFailed, match="시설명|name"):
        import_file(FIXTURES / "shelters.geojson", "shelter")


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
    mapped = runner.invoke(args=["places", "import", str(FIXTURES / "shelters.geojson"), "--kind", "shelter",
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
    assert "shelter: GeoJSON only" in result.output
