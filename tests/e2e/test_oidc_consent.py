"""Browser, 360×740 Korean: a first sign-in through an OpenID Connect provider (the loopback
provider of tests/accounts) stops at the 개인정보 수집·이용 동의 before any account exists;
declining leaves nothing, agreeing creates the account and signs in (issue 21)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from tests.accounts.oidc_provider import OidcProvider
from tests.conftest import TEST_DATABASE_URL, app_for_test, end_test, make_config
from tests.e2e.conftest import _seed_accounts, axe_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider():
    provider = OidcProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def live_app(tmp_path, session_dir, mailbox, provider):
    """The live app with the loopback provider configured (``live_server`` serves this one)."""
    config = make_config(tmp_path, WTF_CSRF_ENABLED=True, MAIL_URL=mailbox.url,
                         SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'e2e.db'}",
                         OIDC_PROVIDERS=[{"name": "city", "label": "서울시 통합인증",
                                          "metadata_url": provider.metadata_url,
                                          "client_id": "civic-test", "client_secret": "s3cret"}])
    app = app_for_test(config, tmp_path, session_dir, kind="live", prepare=_seed_accounts)
    yield app
    end_test(app)


def accounts(live_app) -> list[tuple]:
    from civic.accounts.consent import PrivacyConsent
    from civic.accounts.models import User

    with live_app.app_context():
        rows = [(u.email, u.display_name, [c.version for c in db.session.query(PrivacyConsent).filter_by(user_id=u.id)])
                for u in db.session.query(User).filter(User.email == "minji@example.org")]
        db.session.remove()
    return rows


def through_the_provider(page, base: str) -> None:
    page.goto(f"{base}/login")
    with page.expect_navigation(url="**/login/oidc/consent"):
        page.get_by_role("link", name="서울시 통합인증으로 로그인").click()


def test_first_sign_in_through_a_provider_asks_for_consent(live_server, live_app, provider, a11y_phone,
                                                          screenshots):
    from civic.accounts.consent import OIDC, VERSIONS

    provider.add_client("civic-test", "s3cret", f"{live_server}/login/oidc/city/callback")
    page = a11y_phone

    # Declining: back home, told so, and no account.
    through_the_provider(page, live_server)
    assert accounts(live_app) == []
    main = page.locator("main")
    expect(main.get_by_role("heading", name="개인정보 수집·이용 동의")).to_be_visible()
    for text in ("서울시 통합인증으로 처음 로그인하셨습니다", "minji@example.org", "수집·이용 목적", "보유·이용 기간"):
        assert text in main.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    page.screenshot(path=str(screenshots / "oidc-consent-360.png"), full_page=True)
    page.get_by_role("button", name="동의하지 않음").click()
    expect(page.locator(".flashes")).to_contain_text("계정을 만들지 않았고")
    assert accounts(live_app) == []

    # The button without the box says why, and still makes nothing.
    through_the_provider(page, live_server)
    page.get_by_role("button", name="동의하고 가입하기").click()
    expect(page.locator(".field-error")).to_contain_text("개인정보 수집·이용에 동의해 주세요")
    assert accounts(live_app) == []

    # Agreeing: the account exists, with the notice's version, and this browser is signed in.
    page.get_by_label("개인정보 수집·이용에 동의합니다 (필수)").check()
    page.get_by_role("button", name="동의하고 가입하기").click()
    expect(page.locator(".flashes")).to_contain_text("계정을 만들었습니다")
    assert accounts(live_app) == [("minji@example.org", "Kim Minji", [VERSIONS[OIDC]])]
    page.goto(f"{live_server}/account")
    assert "minji@example.org" in page.locator("main").inner_text()
