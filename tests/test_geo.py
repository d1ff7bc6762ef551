import pytest

from civic import geo
from civic.errors import ValidationFailed


@pytest.mark.parametrize("lat, lon, code", [
    (37.5172, 127.0473, "11680"),   # Gangnam-gu Office
    (37.5663, 126.9779, "11140"),   # Seoul City Hall, Jung-gu
    (37.5796, 126.9770, "11110"),   # Gyeongbokgung, Jongno-gu
    (37.5133, 127.1028, "11710"),   # Jamsil, Songpa-gu
])
def test_point_to_district(app, lat, lon, code):
    assert geo.district_at(lat, lon).code == code


def test_outside_the_city_has_no_district(app):
    assert geo.district_at(35.1796, 129.0756) is None  # Busan


def test_all_25_districts_with_names(app):
    districts = geo.all_districts()
    assert len(districts) == 25
    gangnam = geo.get_district("11680")
    assert (gangnam.name_ko, gangnam.name_en) == ("강남구", "Gangnam-gu")


def test_haversine_and_bbox():
    # City Hall to Gangnam station is about 8.9 km.
    distance = geo.haversine_m(37.5663, 126.9779, 37.4979, 127.0276)
    assert 8_500 < distance < 9_300
    box = geo.BBox.around(37.5, 127.0, 1000)
    assert geo.haversine_m(37.5, 127.0, box.max_lat, 127.0) == pytest.approx(1000, rel=0.01)
    assert geo.haversine_m(37.5, 127.0, 37.5, box.max_lon) == pytest.approx(1000, rel=0.01)
    assert box.min_lon < 127.0 < box.max_lon and box.min_lat < 37.5 < box.max_lat
    assert box.contains(37.5, 127.0) and not box.contains(37.6, 127.0)
    assert geo.BBox.around(89.9, 0, 50_000)[::2] == (-180.0, 180.0)      # near a pole: every longitude


def test_parse_bbox(app):
    box = geo.parse_bbox("126.97,37.56,126.99,37.57")
    assert box == geo.BBox(126.97, 37.56, 126.99, 37.57) and box.min_lon == 126.97
    assert geo.parse_bbox(None) is None and geo.parse_bbox("") is None
    for raw in ("1,2,3", "a,b,c,d", "127,37.6,126.9,37.5", "126,37,127.5,38", "181,0,182,1", "nan,0,1,1"):
        with pytest.raises(ValidationFailed) as exc:
            geo.parse_bbox(raw)
        assert "bbox" in exc.value.errors
    with pytest.raises(ValidationFailed):
        geo.parse_bbox("", required=True)


@pytest.mark.parametrize("lat, lon, field", [("91", "0", "lat"), ("0", "-181", "lon"), ("x", "0", "lat"),
                                             ("nan", "0", "lat"), (None, "0", "lat")])
def test_bad_points_are_validation_errors(lat, lon, field):
    with pytest.raises(ValidationFailed) as exc:
        geo.validate_point(lat, lon)
    assert field in exc.value.errors


def test_unknown_district_codes_are_rejected(app):
    assert geo.validate_district_codes(["11680"]) == ["11680"]
    with pytest.raises(ValidationFailed) as exc:
        geo.validate_district_codes(["11680", "99999"])
    assert "99999" in exc.value.errors["districts"]


def test_place_names_come_from_the_bundled_legal_dongs(app):
    from flask_babel import force_locale

    from civic.geo import place_name

    with app.test_request_context():
        with force_locale("ko"):
            assert place_name(37.541, 126.84) == "강서구 화곡동 부근"
            assert place_name(37.6551, 127.0613) == "노원구 상계동 부근"
            assert place_name(35.1796, 129.0756) == "서울 밖"      # Busan
            assert place_name(None, None) == ""
        with force_locale("en"):
            assert place_name(37.541, 126.84) == "near Hwagok-dong, Gangseo-gu"


def test_report_pages_name_the_place_instead_of_coordinates(client, app, db):
    from civic.accounts.seed import seed as seed_departments
    from civic.reports import service as reports
    from civic.reports.seed import seed
    from tests.factories import make_user

    seed_departments()
    seed()
    location = reports.resolve_location(37.541, 126.84)
    report = reports.create_report(service_code="pothole", location=location, reporter=make_user(),
                                   description="Hole", attributes={"SIZE": "large"})
    html = client.get(f"/reports/{report.id}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "강서구 화곡동 부근" in html
    assert "37.54100" not in html and "126.84000" not in html
