"""A heavy-rain alert page on a phone: refuges above ground only, distances from a named point
or the reader's location, nothing far called near."""

import pytest

from civic.alerts import service
from civic.extensions import db
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.e2e

HWAGOK = (37.5410, 126.8490)


def _heavy_rain_in_gangseo(live_app) -> int:
    from civic.places.opening_hours import always_open
    from civic.places.service import add_place
    from tests.factories import make_user

    with live_app.app_context():
        add_place("flood_shelter", "화곡초등학교", 37.5440, 126.8460, attributes={"underground": False},
                  details={"type": "학교", "data_date": "2025-04"}, source="seoul-flood-shelters")
        add_place("flood_shelter", "강서구민회관", 37.5520, 126.8500, attributes={"underground": False},
                  details={"type": "관공서"}, source="seoul-flood-shelters")
        add_place("civil_defence_shelter", "까치산역 지하2층", 37.5510, 126.8480, attributes={"underground": True})
        add_place("emergency_room", "강서 응급실", 37.5490, 126.8420, hours=always_open("응급실 24시간"))
        add_place("pharmacy", "먼 24시 약국", 37.6300, 126.9200, hours=always_open("24시간"))
        officer = make_user("alert_officer")
        alert = service.create_draft(officer, {
            "type": "heavy_rain", "level": "urgent", "districts": ["11500"], "headline_ko": "호우 경보",
            "body_ko": "저지대 침수 우려. 하천변 접근 금지.", "instruction_ko": "높은 곳으로 대피하세요.",
            "expires_in_min": 120})
        alert_id = service.send(officer, alert).id
        db.session.remove()
    return alert_id


def test_heavy_rain_alert_page_on_a_phone(live_app, live_server, a11y_phone, browser):
    alert_id = _heavy_rain_in_gangseo(live_app)
    page = a11y_phone
    page.goto(f"{live_server}/alerts/{alert_id}")
    section = page.locator("section.nearby")
    assert page.locator("#origin-label").inner_text() == "강서구청 기준"
    refuges = section.locator('ul[data-group="refuge"] > li')
    assert [refuges.nth(i).locator("a").inner_text() for i in range(refuges.count())] == [
        "강서구민회관", "화곡초등학교"]
    assert "까치산역" not in section.inner_text()
    assert "이 경보에 맞는 대피 장소: 수해 대피소" in section.inner_text()
    assert "지금 열림 · 24시간" in section.locator('ul[data-group="emergency_room"]').inner_text()
    far = section.locator('p[data-group="pharmacy"]').inner_text()
    assert "3 km 안에는 없습니다." in far and "가장 가까운 약국" in far and "km" in far
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    section.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/alert_heavy_rain.png", full_page=True)

    # Without JavaScript's location: pick a named point; with it: "내 위치 기준".
    page.locator(".origin-more > summary").click()
    page.locator("#origin-near").select_option("office-11470")
    with page.expect_navigation():
        page.get_by_role("button", name="변경").click()
    assert page.locator("#origin-label").inner_text() == "양천구청 기준"
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ko-KR", is_mobile=True,
                                  geolocation={"latitude": HWAGOK[0], "longitude": HWAGOK[1]},
                                  permissions=["geolocation"])
    located = context.new_page()
    try:
        located.goto(f"{live_server}/alerts/{alert_id}")
        with located.expect_navigation():
            located.get_by_role("button", name="내 위치 사용").click()
        assert located.locator("#origin-label").inner_text() == "내 위치 기준"
        first = located.locator('ul[data-group="refuge"] > li').first.locator("a").inner_text()
        assert first == "화곡초등학교"  # nearest to the reader, not to the district office
    finally:
        context.close()
