import pytest

from civic.extensions import db

pytestmark = pytest.mark.e2e


def test_find_the_nearest_toilet_with_the_phone_location(live_app, live_server, phone):
    from civic.places import service

    with live_app.app_context():
        service.add_place("toilet", "강남역 11번 출구 화장실", 37.4985, 127.0280, hours=None,
                          phone="02-3423-5963")
        service.add_place("toilet", "테헤란로 공원 화장실", 37.5010, 127.0330)
        service.add_place("pharmacy", "강남역 약국", 37.4980, 127.0276)
        db.session.remove()
    phone.context.grant_permissions(["geolocation"], origin=live_server)
    phone.context.set_geolocation({"latitude": 37.4979, "longitude": 127.0276})

    phone.goto(live_server + "/places")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_label("무엇을 찾으세요?").select_option("toilet")
    with phone.expect_navigation():
        phone.get_by_role("button", name="내 위치 사용").click()
    items = phone.locator(".places-list > li")
    assert items.count() == 2
    assert "강남역 11번 출구 화장실" in items.nth(0).inner_text()
    assert phone.get_by_role("link", name="전화").first.get_attribute("href") == "tel:02-3423-5963"
    small = phone.evaluate("""() => [...document.querySelectorAll('main a, main button, main select, main summary')]
        .filter(el => el.offsetParent !== null)
        .map(el => ({text: (el.innerText || el.name || '').trim(), h: el.getBoundingClientRect().height}))
        .filter(t => t.h < 44)""")
    assert small == []

    # The map is an enhancement: Leaflet is loaded only when asked for (tiles are not fetched here).
    phone.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    assert phone.evaluate("typeof window.L") == "undefined"
    phone.get_by_role("button", name="지도에서 보기").click()
    phone.wait_for_selector(".leaflet-marker-icon")
    assert phone.locator(".leaflet-marker-icon").count() == 2

    phone.get_by_role("link", name="강남역 11번 출구 화장실", exact=True).click()
    assert phone.locator("h1").inner_text() == "강남역 11번 출구 화장실"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_pages_pass_axe_in_both_languages(live_app, live_server, a11y_phone):
    from civic.places import service
    from tests.e2e.conftest import axe_violations

    with live_app.app_context():
        jongno = service.resolve_location("11110")  # the point a district choice searches from
        place_id = service.add_place("toilet", "종로구 화장실", jongno.lat + 0.001, jongno.lon, phone="02-120",
                                     attributes={"wheelchair": True}).id
        db.session.remove()
    page = a11y_phone
    labels = (("ko", "가까운 장소나 자치구", "찾기"), ("en", "Near a place or district", "Search"))
    for lang, district_label, search in labels:
        page.goto(f"{live_server}/lang/{lang}?next=/places")
        assert axe_violations(page) == [], (lang, "/places")
        page.get_by_label(district_label).select_option("11110")
        page.get_by_role("button", name=search, exact=True).click()
        assert "종로구 화장실" in page.locator(".places-list").inner_text()
        assert axe_violations(page) == [], (lang, "results")
        page.goto(f"{live_server}/places/{place_id}")
        assert axe_violations(page) == [], (lang, "detail")


def test_after_use_my_location_the_first_result_is_on_the_first_screen(live_app, live_server, phone, screenshots):
    from civic.places import service
    from civic.places.importer import import_file
    from tests.places.helpers import FIXTURES

    with live_app.app_context():
        for i in range(12):
            service.add_place("pharmacy", f"시청 약국 {i + 1}", 37.5660 + i * 0.0004, 126.9781,
                              phone="02-120", address="서울특별시 중구 세종대로 110")
        import_file(FIXTURES / "pharmacy_hours_cp949.csv", "pharmacy", data_date="2021")
        db.session.remove()
    phone.context.grant_permissions(["geolocation"], origin=live_server)
    phone.context.set_geolocation({"latitude": 37.5659, "longitude": 126.9781})
    phone.goto(live_server + "/places")
    phone.get_by_label("무엇을 찾으세요?").select_option("pharmacy")
    with phone.expect_navigation():
        phone.get_by_role("button", name="내 위치 사용").click()
    # The form folds into one line; the first result is fully visible without scrolling.
    assert phone.locator("#search-box > summary").inner_text().split() == ["현재", "위치", "기준", "·", "바꾸기"]
    assert not phone.locator("#places-search").is_visible()
    first = phone.locator(".places-list > li").first
    assert "시청 약국 1" in first.inner_text()
    box = first.locator("h3").bounding_box()
    assert box["y"] + box["height"] <= 740
    assert phone.evaluate("window.scrollY") == 0
    phone.screenshot(path=str(screenshots / "places_first_screen.png"))
    # "바꾸기" opens the form again, still filled in.
    phone.locator("#search-box > summary").click()
    assert phone.locator("#places-search").is_visible()
    assert phone.get_by_label("무엇을 찾으세요?").input_value() == "pharmacy"


def test_few_results_nearby_widen_the_search_and_say_so(live_app, live_server, phone, screenshots):
    from civic.places import service

    with live_app.app_context():
        service.add_place("flood_shelter", "4 km 대피소", 37.6023, 126.9780)
        service.add_place("flood_shelter", "6.5 km 대피소", 37.6248, 126.9780)
        service.add_place("flood_shelter", "5 km 대피소", 37.6113, 126.9780, phone="02-2133-0001%7E6")
        service.add_place("toilet", "시청 화장실", 37.5664, 126.9780)
        db.session.remove()
    phone.goto(live_server + "/places")
    phone.get_by_label("무엇을 찾으세요?").select_option("flood_shelter")
    phone.get_by_label("가까운 장소나 자치구").select_option("city-hall")
    with phone.expect_navigation():
        phone.get_by_role("button", name="찾기", exact=True).click()
    message = phone.locator("#widened")
    assert message.is_visible()
    assert message.inner_text() == "3 km 안에 없어 7 km까지 넓혀 찾았습니다."
    items = phone.locator(".places-list > li")
    assert [items.nth(i).locator("h3").inner_text() for i in range(items.count())] == [
        "4 km 대피소", "5 km 대피소", "6.5 km 대피소"]
    assert items.nth(1).get_by_role("link", name="전화").get_attribute("href") == "tel:02-2133-0001"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(screenshots / "places_widened.png"))
