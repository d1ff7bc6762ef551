import io
from pathlib import Path

import pytest

from tests.reports.conftest import jpeg_with_gps

pytestmark = pytest.mark.e2e


def test_report_flow_with_a_photo_on_a_phone(live_app, live_server, phone):
    with live_app.app_context():
        from civic.extensions import db
        from civic.reports.seed import seed
        from tests.factories import make_user

        seed()
        make_user(email="mapper@example.org")
        db.session.remove()
    phone.goto(live_server + "/login")
    phone.get_by_label("이메일").fill("mapper@example.org")
    phone.get_by_label("비밀번호").fill("correct horse battery")
    phone.get_by_role("button", name="로그인").click()

    phone.route("**/tile.openstreetmap.org/**", lambda route: route.abort())    # no internet in tests
    phone.goto(live_server + "/reports/new")
    assert phone.locator("h1").inner_text() == "불편 신고하기"
    # Tap the map (centred on City Hall) to mark the place; the coordinates fields fill in.
    phone.locator(".tile-map").click(position={"x": 160, "y": 130})
    assert phone.locator("#lat").input_value().startswith("37.5")
    assert phone.locator("#lon").input_value().startswith("126.9")
    phone.get_by_label("주소 또는 랜드마크").fill("서울시청 앞")
    phone.get_by_role("button", name="다음").click()
    phone.get_by_label("침수·배수 불량").check()
    phone.get_by_role("button", name="다음").click()
    phone.get_by_label("문제를 설명해 주세요").fill("빗물받이가 막혀 물이 고였습니다.")
    phone.get_by_label("사진 (최대 3장").set_input_files(
        files=[{"name": "drain.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="신고 보내기").click()

    assert "감사합니다" in phone.locator(".flashes").inner_text()
    facts = phone.locator(".facts").inner_text()
    assert "물순환정책과" in facts and "서울시청 앞" in facts and "중구" in facts
    image = phone.locator(".photos img")
    image.wait_for()
    assert phone.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert "mapper@example.org" not in phone.content()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def test_report_and_map_pages_pass_axe(live_app, live_server, phone):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (node_modules/axe-core)")
    with live_app.app_context():
        from civic.extensions import db
        from civic.reports import maps
        from civic.reports.seed import seed
        from tests.factories import make_user
        from tests.reports.conftest import file_report

        seed()
        user = make_user(email="mapper@example.org")
        file_report(user, description="큰 구멍", photos=[io.BytesIO(jpeg_with_gps())])
        cmap = maps.create_map(user, "safe", "Safe", "", ["bell"])
        maps.add_point(user, cmap, category="bell", name="Bell", lat=37.5, lon=127.0)
        db.session.remove()
    phone.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    phone.goto(live_server + "/login")
    phone.get_by_label("이메일").fill("mapper@example.org")
    phone.get_by_label("비밀번호").fill("correct horse battery")
    phone.get_by_role("button", name="로그인").click()
    for path in ("/reports", "/reports/new", "/reports/new?step=2&address=Jongno-gu",
                 "/reports/new?step=3&service_code=pothole&lat=37.5126&lon=127.059", "/reports/1",
                 "/maps", "/maps/safe", "/maps/safe/points/new"):
        phone.goto(live_server + path)
        phone.add_script_tag(path=str(AXE))
        result = phone.evaluate("axe.run({runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']})")
        assert [v["id"] for v in result["violations"]] == [], path
