"""Every citizen flow on a 360x740 phone (and one on a 390x844 iPhone-sized screen), with axe-core on
every page visited and no horizontal scrolling: nearby search with a mocked location, a report with a
photo, a petition (keyboard only on the iPhone), voting, supporting, subscribing to alerts."""

import json

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from tests.e2e.conftest import AXE, CHROMIUM_ARGS, axe_violations, sign_in  # noqa: F401
from tests.e2e.test_alerts import FAKE_PUSH_MANAGER
from tests.factories import PASSWORD, make_user
from tests.reports.conftest import jpeg_with_gps, png_bytes

pytestmark = pytest.mark.e2e

GANGNAM_STATION = {"latitude": 37.4979, "longitude": 127.0276}


def check(page, width=360):
    """axe-core finds nothing and the page does not scroll sideways."""
    assert axe_violations(page) == [], page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.fixture
def city(live_app):
    with live_app.app_context():
        from civic.petitions.seed import seed as seed_petitions
        from civic.places import service as places
        from civic.reports.seed import seed as seed_reports
        from tests.participation.builders import make_poll, make_proposal

        seed_petitions()
        seed_reports()
        places.add_place("toilet", "강남역 11번 출구 화장실", 37.4985, 127.0280, phone="02-3423-5963")
        places.add_place("pharmacy", "강남역 약국", 37.4980, 127.0276)
        staff = make_user("staff", department="CITIZEN-COMM")
        make_poll(staff, question_ko="지하철 막차 시간을 연장할까요?", options=("찬성", "반대"))
        make_proposal(staff=staff, title="동네 도서관 운영시간을 늘려 주세요")
        make_user(email="citizen@example.org")
        db.session.remove()


def test_nearby_search_and_alert_subscription(live_app, live_server, a11y_phone, city, push_service):
    page = a11y_phone
    page.context.grant_permissions(["geolocation", "notifications"], origin=live_server)
    page.context.set_geolocation(GANGNAM_STATION)
    device = push_service.new_device()
    page.add_init_script(FAKE_PUSH_MANAGER % json.dumps(push_service.subscription(device)))

    page.goto(live_server + "/places")
    check(page)
    page.get_by_label("무엇을 찾으세요?").select_option("toilet")
    with page.expect_navigation():
        page.get_by_role("button", name="내 위치 사용").click()
    expect(page.locator(".places-list > li")).to_have_count(1)
    check(page)
    page.get_by_role("link", name="강남역 11번 출구 화장실", exact=True).click()
    assert page.locator("h1").inner_text() == "강남역 11번 출구 화장실"
    check(page)

    page.goto(live_server + "/alerts")
    check(page)
    page.locator("#choose-districts summary").click()
    page.get_by_label("강남구").check()
    page.get_by_label("호우").check()
    page.get_by_role("button", name="알림 켜기").click()
    expect(page.locator("#push-status")).to_contain_text("저장했습니다")
    check(page)
    page.get_by_role("link", name="재난 시 행동요령").first.click()
    check(page)
    page.get_by_role("link", name="호우").click()
    assert page.locator("h1").inner_text() == "호우"
    check(page)


def test_report_with_a_photo_and_a_petition(live_app, live_server, a11y_phone, city):
    page = a11y_phone
    page.context.grant_permissions(["geolocation"], origin=live_server)
    page.context.set_geolocation(GANGNAM_STATION)
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())     # no internet in tests
    sign_in(page, live_server, "citizen@example.org")

    page.goto(live_server + "/reports/new")
    check(page)
    page.get_by_role("button", name="현재 위치 사용").click()
    expect(page.locator("#lat")).to_have_value("37.497900")
    page.get_by_label("주소 또는 랜드마크").fill("강남역 11번 출구")
    page.get_by_role("button", name="다음").click()
    check(page)
    page.get_by_label("침수·배수 불량").check()
    page.get_by_role("button", name="다음").click()
    check(page)
    page.get_by_label("문제를 설명해 주세요").fill("빗물받이가 막혀 물이 고였습니다.")
    page.get_by_label("사진 (최대 3장").set_input_files(
        files=[{"name": "drain.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])
    page.get_by_role("button", name="신고 보내기").click()
    assert "감사합니다" in page.locator(".flashes").inner_text()
    assert "물순환정책과" in page.locator(".facts").inner_text()
    check(page)

    page.goto(live_server + "/petitions/new")
    check(page)
    page.get_by_role("button", name="민원 신청").click()                  # empty: the error summary
    expect(page.locator("#error-summary")).to_be_visible()  # the re-rendered form, once it has loaded
    check(page)
    page.get_by_label("민원 종류").select_option("parks")
    page.get_by_label("제목").fill("놀이터 그네 고장")
    page.get_by_label("어떤 문제나 요청이 있나요?").fill("그네 줄이 끊어져 있습니다.")
    page.get_by_role("button", name="민원 신청").click()
    assert "민원이 접수되었습니다" in page.locator(".flashes").inner_text()
    check(page)


def test_vote_and_support(live_app, live_server, a11y_phone, city):
    page = a11y_phone
    sign_in(page, live_server, "citizen@example.org")
    page.goto(live_server + "/participate")
    check(page)
    page.get_by_role("link", name="정책 투표").click()
    check(page)
    page.get_by_role("link", name="지하철 막차 시간을 연장할까요?").click()
    check(page)
    page.locator("label.choice", has_text="반대").click()
    page.get_by_role("button", name="투표하기").click()
    assert "투표가 반영되었습니다" in page.locator(".flashes").inner_text()
    check(page)
    page.goto(live_server + "/proposals")
    check(page)
    page.get_by_role("link", name="동네 도서관 운영시간을 늘려 주세요").click()
    check(page)
    page.get_by_role("button", name="이 제안에 공감하기").click()
    assert "공감해 주셔서 감사합니다" in page.locator(".flashes").inner_text()
    check(page)


def tab_to(page, selector: str, limit: int = 80):
    """Press Tab until the element matching ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_petition_keyboard_only_on_a_390x844_phone(live_app, live_server, browser, city):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR", device_scale_factor=3,
                                  is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(live_server + "/login?next=/petitions/new")
        check(page, 390)
        tab_to(page, "#email")
        page.keyboard.type("citizen@example.org")
        tab_to(page, "#password")
        page.keyboard.type(PASSWORD)
        with page.expect_navigation(url="**/petitions/new"):
            page.keyboard.press("Enter")
        page.wait_for_load_state("networkidle")
        check(page, 390)
        tab_to(page, "select[name=type]")
        for _ in range(20):
            if page.evaluate("document.activeElement.value") == "parks":
                break
            page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.value") == "parks"
        tab_to(page, "input[name=title]")
        page.keyboard.type("벤치 파손")
        tab_to(page, "textarea[name=body]")
        page.keyboard.type("공원 벤치 다리가 부러졌습니다.")
        tab_to(page, "form.petition-form button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "민원이 접수되었습니다" in page.locator(".flashes").inner_text()
        check(page, 390)
    finally:
        context.close()


def test_report_map_draws_under_the_csp(live_app, live_server, phone, city):
    """The tile map positions its tiles and marker with CSSOM, which the CSP allows (inline style
    attributes and onerror= handlers it blocks, leaving every tile stacked in the corner)."""
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    tile = png_bytes((256, 256))
    phone.route("**/tile.openstreetmap.org/**", lambda route: route.fulfill(
        status=200, content_type="image/png", body=tile))
    sign_in(phone, live_server, "citizen@example.org")
    phone.goto(live_server + "/reports/new")
    box = phone.locator(".tile-map").bounding_box()
    assert box["height"] > 200
    lefts = phone.evaluate("[...document.querySelectorAll('.tm-pane img')].map(i => i.style.left)")
    assert len(set(lefts)) > 1
    phone.locator(".tile-map").click(position={"x": 100, "y": 80})
    marker = phone.locator(".tm-pick").bounding_box()
    assert abs(marker["x"] + marker["width"] / 2 - (box["x"] + 100)) < 3
    assert abs(marker["y"] + marker["height"] / 2 - (box["y"] + 80)) < 3
    assert errors == []
