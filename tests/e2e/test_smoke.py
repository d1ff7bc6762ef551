import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import follow_mail_link

pytestmark = pytest.mark.e2e


def test_home_on_a_phone_and_language_switch(live_server, phone):
    phone.goto(live_server + "/")
    assert phone.locator("html").get_attribute("lang") == "ko"
    assert phone.locator("h1").inner_text() == "서울 시민 서비스"
    # Nothing overflows sideways at phone width.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("link", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator("h1").inner_text() == "Civic services for Seoul"
    phone.get_by_role("link", name="한국어").click()
    assert phone.locator("html").get_attribute("lang") == "ko"


def test_sign_up_and_sign_in_with_csrf_in_the_browser(live_server, phone, mailbox):
    phone.goto(live_server + "/register")
    phone.get_by_label("이메일").fill("phone@example.org")
    phone.get_by_label("비밀번호").fill("short")
    phone.get_by_role("button", name="회원가입").click()
    expect(phone.locator("#error-summary")).to_be_visible()  # the re-rendered form, once it has loaded
    phone.get_by_label("비밀번호").fill("a long enough password")
    phone.get_by_label("개인정보 수집·이용에 동의합니다 (필수)").check()
    phone.get_by_role("button", name="회원가입").click()
    assert phone.locator("h1").inner_text() == "이메일을 확인해 주세요"
    follow_mail_link(phone, live_server, mailbox, "phone@example.org", "/account/confirm/")
    assert "이메일 주소가 확인되었습니다" in phone.locator(".flashes").inner_text()
    phone.get_by_label("이메일").fill("phone@example.org")
    phone.get_by_label("비밀번호").fill("a long enough password")
    phone.get_by_role("button", name="로그인").click()
    assert "로그인되었습니다" in phone.locator(".flashes").inner_text()
    # Sign-out first checks the device for unsent drafts (signout.js), then posts: wait for it.
    with phone.expect_navigation():
        phone.get_by_role("button", name="로그아웃").click()
