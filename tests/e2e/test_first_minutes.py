"""A citizen's first minutes on a 360x740 phone, in Korean and English: the active-alert banner on
every citizen page with and without JavaScript, the one-step subscription and its failures, and
the demo content a fresh `make run` loads."""

import json
import re

import pytest
from playwright.sync_api import expect

from civic.alerts.demo import seasonal_alerts
from civic.db import utcnow
from civic.extensions import db
from civic.timezone import to_local
from tests.e2e.test_alerts import FAKE_PUSH_MANAGER

pytestmark = pytest.mark.e2e

GANGNAM_STATION = {"latitude": 37.4979, "longitude": 127.0276}
CITIZEN_PAGES = ["/", "/places", "/reports", "/maps", "/reports/new", "/petitions", "/petitions/new", "/participate",
                 "/polls", "/proposals", "/alerts", "/alerts/guides", "/alerts/guides/heavy_rain", "/login",
                 "/register", "/offline"]
LOCALES = {"ko": ("ko-KR", "긴급", "호우 경보", "강남구"),
           "en": ("en-US", "Urgent", "Heavy rain warning", "Gangnam-gu")}


def send_urgent_alert(live_app) -> int:
    from civic.alerts import service
    from tests.factories import make_user

    with live_app.app_context():
        officer = make_user("alert_officer")
        alert = service.create_draft(officer, {
            "type": "heavy_rain", "level": "urgent", "districts": ["11680"], "headline_ko": "호우 경보",
            "headline_en": "Heavy rain warning", "body_ko": "하천변 접근 금지", "body_en": "Keep away from streams."})
        alert_id = service.send(officer, alert).id
        db.session.remove()
    return alert_id


def phone_context(browser, locale: str, javascript: bool):
    return browser.new_context(viewport={"width": 360, "height": 740}, locale=locale, device_scale_factor=1,
                               is_mobile=True, has_touch=True, java_script_enabled=javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_alert_banner_on_every_citizen_page(live_app, live_server, browser, lang, javascript):
    alert_id = send_urgent_alert(live_app)
    locale, level, headline, district = LOCALES[lang]
    context = phone_context(browser, locale, javascript)
    page = context.new_page()
    try:
        for path in CITIZEN_PAGES:
            page.goto(live_server + path)
            banner = page.locator(".alert-banners .alert-banner.level-urgent").first
            expect(banner).to_be_visible()
            text = banner.inner_text()
            assert level in text and headline in text and district in text, (path, text)
            assert banner.get_attribute("href") == f"/alerts/{alert_id}"
            box = banner.bounding_box()
            header = page.locator("header.top").bounding_box()
            assert box["y"] >= header["y"] + header["height"] - 1, path  # under the header
            assert box["y"] < 200, path                                   # and seen at once
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        page.locator(".alert-banners .alert-banner").first.click()
        assert page.locator("h1").inner_text() == headline
    finally:
        context.close()


def test_one_step_subscription_by_location_then_home_leads_with_that_district(
        live_app, live_server, phone, push_service):
    device = push_service.new_device()
    phone.context.grant_permissions(["geolocation", "notifications"], origin=live_server)
    phone.context.set_geolocation(GANGNAM_STATION)
    phone.add_init_script(FAKE_PUSH_MANAGER % json.dumps(push_service.subscription(device)))
    phone.goto(live_server + "/alerts")
    status = phone.locator("#push-status")
    expect(status).to_contain_text("꺼져")
    expect(phone.get_by_role("button", name="알림 끄기")).to_be_hidden()      # only what applies
    expect(phone.get_by_label("강남구")).to_be_hidden()                        # the list is folded away
    phone.get_by_role("button", name="내 위치의 자치구로 받기").click()
    expect(status).to_contain_text("강남구")
    expect(phone.get_by_role("button", name="내 위치의 자치구로 받기")).to_be_hidden()
    expect(phone.get_by_role("button", name="알림 끄기")).to_be_visible()
    cookies = {c["name"]: c["value"] for c in phone.context.cookies()}
    assert cookies["alert_districts"] == "11680"

    send_urgent_alert(live_app)
    phone.goto(live_server + "/")
    lead = phone.locator(".home-alerts")
    expect(lead.locator("h2")).to_contain_text("강남구 안전 알림")
    expect(lead.locator(".alert-banner")).to_contain_text("호우 경보")

    # The fake push manager forgets its subscription on a new page, as a browser does when the
    # subscription was dropped: the page then says alerts are off and forgets the districts.
    phone.goto(live_server + "/alerts")
    expect(status).to_contain_text("꺼져")
    expect(phone.get_by_role("button", name="내 위치의 자치구로 받기")).to_be_visible()
    assert "alert_districts" not in {c["name"] for c in phone.context.cookies()}


def test_blocked_notifications_say_how_to_fix_it(live_server, phone):
    phone.add_init_script("Object.defineProperty(Notification, 'permission', {get: () => 'denied'});")
    phone.goto(live_server + "/alerts")
    expect(phone.locator("#push-status")).to_contain_text("브라우저 설정에서 알림을 허용")
    expect(phone.get_by_role("button", name="내 위치의 자치구로 받기")).to_be_hidden()
    expect(phone.get_by_role("button", name="알림 끄기")).to_be_hidden()


def test_push_service_unreachable_says_so(live_server, phone):
    phone.context.grant_permissions(["notifications"], origin=live_server)
    phone.add_init_script("""PushManager.prototype.getSubscription = () => Promise.resolve(null);
        PushManager.prototype.subscribe = () =>
            Promise.reject(new DOMException('Registration failed', 'AbortError'));""")
    phone.goto(live_server + "/alerts")
    expect(phone.locator("#push-status")).to_contain_text("꺼져")
    phone.locator("#choose-districts summary").click()
    phone.get_by_label("종로구").check()
    phone.get_by_role("button", name="알림 켜기").click()
    expect(phone.locator("#push-status")).to_contain_text("푸시 서비스에 연결할 수 없습니다")


def test_unsupported_browser_without_push(live_server, browser):
    context = phone_context(browser, "en-US", True)
    page = context.new_page()
    page.add_init_script("delete window.PushManager;")
    try:
        page.goto(live_server + "/alerts")
        expect(page.locator("#push-status")).to_contain_text("This browser cannot receive push notifications")
        expect(page.get_by_role("button", name="Turn on alerts")).to_be_hidden()
    finally:
        context.close()


def seed_as_make_run(live_app) -> tuple[str, str]:
    """`make run` runs `flask seed --demo --quiet`; the citizen's e-mail and password it prints."""
    live_app.config["PLACES_SEED_FILES"] = ["/nonexistent.csv:toilet"]  # the bundled places take long
    result = live_app.test_cli_runner().invoke(args=["seed", "--demo", "--quiet"])
    assert result.exit_code == 0, result.output
    password = re.search(r"password for each: (\S+)\)", result.output).group(1)
    email = re.search(r"(\S+@\S+)\s+citizen\s", result.output).group(1)
    with live_app.app_context():
        db.session.remove()
    return email, password


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_demo_content_after_make_run(live_app, live_server, browser, lang):
    email, password = seed_as_make_run(live_app)
    context = phone_context(browser, LOCALES[lang][0], True)
    page = context.new_page()
    try:
        page.goto(live_server + "/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(password)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        assert "/login" not in page.url

        page.goto(live_server + "/polls")
        korean = lang == "ko"
        expect(page.locator("main")).to_contain_text(
            "한강공원 야간 개방 시간을 늘릴까요?" if korean else "Should Hangang parks stay open later at night?")
        page.goto(live_server + "/polls?state=closed")
        expect(page.locator("main")).to_contain_text(
            "2026년 서울 시민의 날 행사 주제를 골라 주세요" if korean else "Pick the theme of Seoul Citizens' Day 2026")
        page.goto(live_server + "/proposals")
        main = page.locator("main")
        expect(main).to_contain_text("어린이보호구역 횡단보도에 옐로카펫을 설치해 주세요")
        expect(main).to_contain_text("27/50")                   # collecting supports
        page.goto(live_server + "/proposals?status=answered")
        expect(page.locator("main")).to_contain_text("공원 산책로에 야간 조명을 설치해 주세요")
        page.goto(live_server + "/maps")
        expect(page.locator("main")).to_contain_text("휠체어로 갈 수 있는 화장실")
        expect(page.locator("main")).to_contain_text("여성 안심 귀갓길")
        page.get_by_role("link", name="여성 안심 귀갓길").click()
        expect(page.locator("main")).to_contain_text("신림역 3번 출구 앞 안심벨")
        page.goto(live_server + "/reports")
        expect(page.locator("main")).to_contain_text("강남대로")
        page.goto(live_server + "/alerts")
        history = page.locator("section", has=page.locator("#history-title"))
        with live_app.app_context():
            seasonal = seasonal_alerts(to_local(utcnow()).date())   # the demo's alerts fit the season
        expect(history).to_contain_text(seasonal[0][7][0] if korean else seasonal[0][8][0])
        expect(page.locator(".alert-banners")).to_have_count(0)  # past alerts make no banner
        page.goto(live_server + "/reports/mine")
        assert page.locator("main li").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
