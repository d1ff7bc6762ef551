"""Browser, 360×740 in Korean: forgot the password → the mail → a new password → every other
device signed out → the link works once."""

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from tests.e2e.conftest import follow_mail_link
from tests.factories import PASSWORD, make_user
from tests.smtp import text_of

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "새로운 비밀번호 2026"


def test_password_reset_journey_in_korean(live_app, live_server, browser, phone, mailbox, tmp_path):
    with live_app.app_context():
        make_user(email="kim@example.org", name="김시민")
        db.session.remove()

    # Another phone where the account is signed in: it must be signed out by the reset.
    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="ko-KR")
    other_page = other.new_page()
    other_page.goto(live_server + "/login")
    other_page.get_by_label("이메일").fill("kim@example.org")
    other_page.get_by_label("비밀번호").fill(PASSWORD)
    other_page.get_by_role("button", name="로그인").click()
    assert "로그인되었습니다" in other_page.locator(".flashes").inner_text()

    phone.goto(live_server + "/login")
    phone.get_by_role("link", name="비밀번호를 잊으셨나요?").click()
    assert phone.locator("h1").inner_text() == "비밀번호를 잊으셨나요?"
    phone.screenshot(path="/tmp/mail-reset-1-request.png", full_page=True)
    phone.get_by_label("이메일").fill("Kim@Example.org")
    phone.get_by_role("button", name="링크 보내기").click()
    assert phone.locator("h1").inner_text() == "이메일을 확인해 주세요"
    assert "30분" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/mail-reset-2-check.png", full_page=True)

    [mail] = mailbox.wait_for("kim@example.org")
    assert mail["Subject"] == "비밀번호 재설정"
    assert "30분 동안 한 번만" in text_of(mail)
    path = follow_mail_link(phone, live_server, mailbox, "kim@example.org", "/password-reset/")
    assert phone.locator("h1").inner_text() == "새 비밀번호 설정"
    phone.get_by_label("새 비밀번호").fill("짧음")
    phone.get_by_role("button", name="새 비밀번호 저장").click()
    expect(phone.locator("#error-summary")).to_be_visible()  # the re-rendered form, once it has loaded
    phone.screenshot(path="/tmp/mail-reset-3-error.png", full_page=True)
    phone.get_by_label("새 비밀번호").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="새 비밀번호 저장").click()
    assert "새 비밀번호를 설정했습니다" in phone.locator(".flashes").inner_text()
    phone.screenshot(path="/tmp/mail-reset-4-done.png", full_page=True)

    # The other phone is signed out.
    other_page.goto(live_server + "/account")
    assert "/login" in other_page.url
    other.close()

    phone.get_by_label("이메일").fill("kim@example.org")
    phone.get_by_label("비밀번호").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="로그인").click()
    assert "로그인되었습니다" in phone.locator(".flashes").inner_text()

    # The same link again: a clear page with a way to ask for a new one.
    phone.goto(live_server + path)
    assert phone.locator("h1").inner_text() == "이 링크는 쓸 수 없습니다"
    assert "이미 사용한 링크입니다" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/mail-reset-5-used.png", full_page=True)
    phone.get_by_role("link", name="새 링크 보내기").click()
    assert phone.locator("h1").inner_text() == "비밀번호를 잊으셨나요?"
