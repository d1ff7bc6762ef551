"""Browser: a citizen files a petition on a phone; a staff member answers it."""

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from tests.e2e.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def petition_people(live_app):
    with live_app.app_context():
        from civic.petitions.seed import seed

        seed()
        citizen = make_user(email="citizen@example.org")
        staff = make_user("staff", "PARKS", email="parks@example.org", name="Park Staff")
        db.session.remove()
    return citizen, staff


def file_petition(page, base) -> str:
    page.goto(base + "/petitions/new")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="민원 신청").click()              # empty: errors, nothing saved
    expect(page.locator("#error-summary")).to_be_visible()  # the re-rendered form, once it has loaded
    page.get_by_label("민원 종류").select_option("parks")
    page.get_by_label("제목").fill("놀이터 그네 고장")
    page.get_by_label("어떤 문제나 요청이 있나요?").fill("그네 줄이 끊어져 있습니다.")
    page.get_by_role("button", name="민원 신청").click()
    assert "민원이 접수되었습니다" in page.locator(".flashes").inner_text()
    receipt = page.locator(".receipt-no").inner_text().strip()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    return receipt


def test_citizen_files_a_petition_on_a_phone(live_server, phone, petition_people):
    sign_in(phone, live_server, "citizen@example.org")
    receipt = file_petition(phone, live_server)
    assert len(receipt) == 11 and receipt[4] == "-"
    phone.get_by_role("link", name="내 민원 목록으로").click()
    assert receipt in phone.locator(".petition-list").inner_text()


def test_staff_member_answers_and_the_citizen_sees_it(live_server, browser, phone, petition_people):
    sign_in(phone, live_server, "citizen@example.org")
    receipt = file_petition(phone, live_server)

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ko-KR")
    staff = context.new_page()
    sign_in(staff, live_server, "parks@example.org")
    staff.goto(live_server + "/staff")
    staff.locator("main .tiles a[href='/staff/petitions']").click()
    staff.get_by_role("link", name="놀이터 그네 고장").click()
    staff.get_by_label("답변", exact=True).fill("그네를 교체했습니다.")
    staff.get_by_role("button", name="답변 보내기").click()
    assert "민원인에게 답변을 보냈습니다" in staff.locator(".flashes").inner_text()
    audit = staff.locator(".audit").inner_text()
    assert "답변 완료 · Park Staff" in audit and "petition.answer" not in audit  # readable, with the name
    context.close()

    phone.goto(f"{live_server}/petitions/{receipt}")
    assert "그네를 교체했습니다." in phone.locator(".answer").inner_text()
    phone.get_by_label("5 - 매우 도움됨").check()
    phone.get_by_role("button", name="평가 보내기").click()
    assert "5점 중 5점" in phone.locator(".answer").inner_text()
