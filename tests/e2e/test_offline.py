"""Browser: offline use on a phone — guides and the last nearby search without a connection, and a
petition written offline (with a photo) kept on the device and sent once when back online."""

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from tests.e2e.conftest import sign_in
from tests.factories import make_user
from tests.reports.conftest import jpeg_with_gps

pytestmark = pytest.mark.e2e


def wait_for_service_worker(page):
    """Until the service worker controls the page (evaluate-polling: the CSP forbids wait_for_function)."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    for _ in range(50):
        if page.evaluate("!!navigator.serviceWorker.controller"):
            return
        page.wait_for_timeout(100)
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")


def count(live_app, model):
    with live_app.app_context():
        n = db.session.query(model).count()
        db.session.remove()
    return n


def test_guides_and_the_last_nearby_search_work_offline(live_app, live_server, phone):
    from civic.places import service

    with live_app.app_context():
        service.add_place("toilet", "강남역 11번 출구 화장실", 37.4985, 127.0280)
        db.session.remove()
    phone.context.grant_permissions(["geolocation"], origin=live_server)
    phone.context.set_geolocation({"latitude": 37.4979, "longitude": 127.0276})
    phone.goto(live_server + "/places")
    wait_for_service_worker(phone)
    phone.get_by_label("무엇을 찾으세요?").select_option("toilet")
    with phone.expect_navigation():
        phone.get_by_role("button", name="내 위치 사용").click()
    expect(phone.locator(".places-list > li")).to_have_count(1)
    results_url = phone.url
    api = phone.evaluate("""async () => (await fetch('/api/v1/places/nearby?category=toilet&lat=37.4979&lon=127.0276'))
        .status""")
    assert api == 200

    phone.context.set_offline(True)
    phone.goto(results_url)
    assert "강남역 11번 출구 화장실" in phone.locator(".places-list").inner_text()
    # Another search offline gets the last results rather than nothing.
    phone.goto(live_server + "/places?category=toilet&lat=37.5&lon=127.0")
    assert "강남역 11번 출구 화장실" in phone.locator(".places-list").inner_text()
    phone.goto(live_server + "/offline")
    phone.get_by_role("link", name="마지막 주변 검색").click()            # the offline page's link
    assert "강남역 11번 출구 화장실" in phone.locator(".places-list").inner_text()
    cached = phone.evaluate("""async () => {
        const r = await fetch('/api/v1/places/nearby?category=toilet&lat=37.4979&lon=127.0276');
        return [r.status, JSON.stringify(await r.json())]; }""")
    assert cached[0] == 200 and "강남역" in cached[1]
    phone.goto(live_server + "/alerts/guides/earthquake")
    assert phone.locator("h1").inner_text() == "지진"
    assert "탁자" in phone.locator("main").inner_text()
    phone.goto(live_server + "/petitions")                       # never visited: the offline page
    assert phone.locator("h1").inner_text() == "인터넷에 연결되어 있지 않습니다"
    phone.get_by_role("link", name="재난 시 행동요령").click()
    assert "화재" in phone.locator("main").inner_text()
    phone.context.set_offline(False)


def test_a_petition_written_offline_is_kept_and_sent_once_when_back_online(live_app, live_server, phone):
    from civic.petitions.models import Petition, PetitionAttachment

    with live_app.app_context():
        from civic.petitions.seed import seed

        seed()
        make_user(email="citizen@example.org")
        db.session.remove()
    sign_in(phone, live_server, "citizen@example.org")
    phone.goto(live_server + "/petitions/new")
    wait_for_service_worker(phone)
    drafts = phone.locator("#drafts")
    expect(drafts).to_be_hidden()
    phone.get_by_label("민원 종류").select_option("parks")
    phone.get_by_label("제목").fill("놀이터 그네 고장")
    phone.get_by_label("어떤 문제나 요청이 있나요?").fill("그네 줄이 끊어져 있습니다.")
    phone.get_by_label("사진 (선택, 최대 5장)").set_input_files(
        files=[{"name": "swing.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])

    phone.context.set_offline(True)
    phone.get_by_role("button", name="민원 신청").click()
    expect(drafts).to_be_visible()
    expect(phone.locator("#drafts-status")).to_contain_text("이 기기에 저장")
    expect(phone.locator("#drafts-list li")).to_have_count(1)
    assert "놀이터 그네 고장" in phone.locator("#drafts-list").inner_text()
    assert "사진 1장" in phone.locator("#drafts-list").inner_text()
    assert count(live_app, Petition) == 0
    # Still offline, the draft survives a reload (the offline page lists it).
    phone.reload()
    expect(phone.locator("#drafts-list li")).to_have_count(1)
    phone.get_by_role("button", name="지금 보내기").click()
    expect(phone.locator("#drafts-status")).to_contain_text("아직 오프라인")
    assert count(live_app, Petition) == 0

    phone.context.set_offline(False)                      # the "online" event sends it
    expect(phone.locator("#drafts-status")).to_contain_text("보냈습니다", timeout=15000)
    expect(drafts).to_be_hidden()
    assert count(live_app, Petition) == 1
    assert count(live_app, PetitionAttachment) == 1
    # Sending again (button, sync event, another tab) cannot file it twice.
    phone.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.evaluate("() => window.CivicDrafts.sendAll()")
    with live_app.app_context():
        petition = db.session.query(Petition).one()
        assert petition.title == "놀이터 그네 고장" and petition.client_token
        db.session.remove()


def test_a_report_with_a_photo_written_offline_is_sent_when_back_online(live_app, live_server, phone):
    from civic.reports.models import Report, ReportPhoto

    with live_app.app_context():
        from civic.reports.seed import seed

        seed()
        make_user(email="citizen@example.org")
        db.session.remove()
    sign_in(phone, live_server, "citizen@example.org")
    phone.goto(live_server + "/reports/new?step=3&service_code=graffiti&lat=37.5126&lon=127.059")
    wait_for_service_worker(phone)
    phone.get_by_label("문제를 설명해 주세요").fill("벽에 낙서가 있습니다.")
    phone.get_by_label("사진 (최대 3장").set_input_files(
        files=[{"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}])
    phone.context.set_offline(True)
    phone.get_by_role("button", name="신고 보내기").click()
    expect(phone.locator("#drafts-list li")).to_have_count(1)
    assert "신고: 벽에 낙서가 있습니다." in phone.locator("#drafts-list").inner_text()
    assert count(live_app, Report) == 0
    phone.context.set_offline(False)
    expect(phone.locator("#drafts-status")).to_contain_text("보냈습니다", timeout=15000)
    assert count(live_app, Report) == 1 and count(live_app, ReportPhoto) == 1
