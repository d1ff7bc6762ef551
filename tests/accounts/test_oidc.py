"""OpenID Connect sign-in against a real provider on loopback (authorization code + PKCE), and
the personal-data consent a first sign-in asks for before any account exists."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from civic import create_app
from civic.accounts import consent
from civic.accounts.consent import PrivacyConsent
from civic.accounts.models import OidcIdentity, User
from civic.extensions import db
from tests.accounts.oidc_provider import OidcProvider
from tests.conftest import FreshContextClient, make_config

REDIRECT_URI = "http://localhost/login/oidc/city/callback"


@pytest.fixture
def provider():
    provider = OidcProvider().start()
    provider.add_client("civic-test", "s3cret", REDIRECT_URI)
    yield provider
    provider.stop()


@pytest.fixture
def oidc_app(tmp_path, provider):
    config = make_config(tmp_path, OIDC_PROVIDERS=[{
        "name": "city", "label": "Seoul SSO", "metadata_url": provider.metadata_url,
        "client_id": "civic-test", "client_secret": "s3cret"}])
    app = create_app(config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        from tests.conftest import _empty_tables

        _empty_tables()
        db.engine.dispose()


def start_sign_in(client):
    response = client.get("/login/oidc/city?next=/account")
    assert response.status_code == 302
    return response.headers["Location"]


def approve_at_provider(authorize_url: str) -> str:
    """The browser's visit to the provider: it answers with a redirect back to civic."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def callback_path(location: str) -> str:
    parsed = urlparse(location)
    return f"{parsed.path}?{parsed.query}"


def test_full_sign_in_with_pkce_state_and_nonce(oidc_app, provider):
    client = oidc_app.test_client()
    authorize_url = start_sign_in(client)
    assert authorize_url.startswith(provider.issuer + "/authorize")
    sent = parse_qs(urlparse(authorize_url).query)
    assert sent["response_type"] == ["code"]
    assert sent["code_challenge_method"] == ["S256"] and len(sent["code_challenge"][0]) >= 43
    assert sent["state"][0] and sent["nonce"][0]
    assert "openid" in sent["scope"][0].split()

    location = approve_at_provider(authorize_url)
    response = client.get(callback_path(location))
    assert response.status_code == 302 and response.headers["Location"] == "/login/oidc/consent"
    # The code was exchanged with the PKCE verifier over real HTTP.
    assert provider.token_requests and provider.token_requests[-1].get("code_verifier")
    response = agree(client)
    assert response.status_code == 302 and response.headers["Location"] == "/account"

    identity = db.session.query(OidcIdentity).one()
    assert (identity.provider, identity.subject) == ("city", "user-123")
    me = client.get("/api/v1/me").json
    assert me["email"] == "minji@example.org" and me["display_name"] == "Kim Minji"

    # Signing in again links to the same account, with no second consent.
    client.post("/logout")
    again = client.get(callback_path(approve_at_provider(start_sign_in(client))))
    assert again.headers["Location"] == "/account"
    assert db.session.query(User).count() == 1


def test_a_forged_state_is_refused(oidc_app, provider):
    client = oidc_app.test_client()
    location = approve_at_provider(start_sign_in(client))
    forged = location.replace("state=", "state=x")
    response = client.get(callback_path(forged))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/api/v1/me").status_code == 401
    assert db.session.query(User).count() == 0


def test_a_callback_from_another_browser_is_refused(oidc_app, provider):
    victim, attacker = oidc_app.test_client(), oidc_app.test_client()
    location = approve_at_provider(start_sign_in(attacker))
    victim.get("/login")
    response = victim.get(callback_path(location))
    assert response.headers["Location"] == "/login"
    assert victim.get("/api/v1/me").status_code == 401


def test_an_id_token_with_the_wrong_nonce_is_refused(oidc_app, provider):
    provider.nonce_override = "replayed-nonce"
    client = oidc_app.test_client()
    response = client.get(callback_path(approve_at_provider(start_sign_in(client))))
    assert response.headers["Location"] == "/login"
    assert db.session.query(User).count() == 0


def test_unknown_provider_is_404(oidc_app):
    assert oidc_app.test_client().get("/login/oidc/nope").status_code == 404


def test_login_page_offers_configured_providers(oidc_app):
    html = oidc_app.test_client().get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Sign in with Seoul SSO" in html


def test_an_unreachable_provider_is_a_clear_message_not_a_500(oidc_app, provider):
    provider.stop()
    client = oidc_app.test_client()
    response = client.get("/login/oidc/city")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "외부 계정 로그인에 실패했습니다" in page


def agree(client):
    return client.post("/login/oidc/consent", data={
        "action": "accept", "privacy_consent": "y", "consent_version": consent.VERSIONS[consent.OIDC]})


def sign_in(client):
    """Through the provider and, on a first sign-in, the consent page."""
    response = client.get(callback_path(approve_at_provider(start_sign_in(client))))
    if response.headers.get("Location") == "/login/oidc/consent":
        response = agree(client)
    return response


def test_claims_only_in_userinfo_reach_the_account(oidc_app, provider):
    """node-oidc-provider's defaults: the ID token carries only ``sub`` (issue 14)."""
    provider.claims_in_userinfo_only = True
    client = oidc_app.test_client()
    response = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert provider.userinfo_requests == 1
    me = client.get("/api/v1/me").json
    assert me["email"] == "minji@example.org" and me["display_name"] == "Kim Minji"


def test_userinfo_about_another_subject_is_refused(oidc_app, provider):
    provider.claims_in_userinfo_only = True
    provider.userinfo_sub_override = "someone-else"
    client = oidc_app.test_client()
    response = sign_in(client)
    assert response.headers["Location"] == "/login"
    assert client.get("/api/v1/me").status_code == 401
    assert db.session.query(User).count() == 0


def test_later_sign_ins_refresh_name_and_verified_email(oidc_app, provider):
    provider.claims_in_userinfo_only = True
    client = oidc_app.test_client()
    sign_in(client)
    provider.end_user = {**provider.end_user, "name": "Kim Min-ji", "email": "minji.kim@example.org"}
    client.post("/logout")
    sign_in(client)
    me = client.get("/api/v1/me").json
    assert me["display_name"] == "Kim Min-ji" and me["email"] == "minji.kim@example.org"
    # An unverified address is never recorded; the name still follows.
    provider.end_user = {**provider.end_user, "name": "Minji", "email": "unverified@example.org",
                         "email_verified": False}
    client.post("/logout")
    sign_in(client)
    me = client.get("/api/v1/me").json
    assert me["display_name"] == "Minji" and me["email"] == "minji.kim@example.org"
    assert db.session.query(User).count() == 1


def test_a_verified_email_of_another_account_is_not_taken(oidc_app, provider):
    from tests.factories import make_user

    provider.claims_in_userinfo_only = True
    make_user(email="minji@example.org")
    client = oidc_app.test_client()
    sign_in(client)
    me = client.get("/api/v1/me").json
    assert me["email"] is None and me["display_name"] == "Kim Minji"


def test_next_of_the_provider_sign_in_stays_on_the_site(oidc_app, provider):
    client = oidc_app.test_client()
    response = client.get("/login/oidc/city?next=/%09/evil.example")
    client.get(callback_path(approve_at_provider(response.headers["Location"])))
    assert agree(client).headers["Location"] == "/"


# --- the personal-data consent of a first sign-in -------------------------------------------

def test_no_account_exists_until_the_notice_is_accepted(oidc_app, provider):
    client = oidc_app.test_client()
    response = client.get(callback_path(approve_at_provider(start_sign_in(client))))
    assert response.headers["Location"] == "/login/oidc/consent"
    assert db.session.query(User).count() == 0 and db.session.query(OidcIdentity).count() == 0
    assert client.get("/api/v1/me").status_code == 401

    page = client.get("/login/oidc/consent", headers={"Accept-Language": "ko"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    # The notice of local sign-up, listing what a provider's sign-up collects (no password), with
    # its own version.
    for text in ("개인정보 수집·이용 동의", "수집·이용 목적", "수집 항목", "보유·이용 기간", "동의를 거부할 권리",
                 "Seoul SSO", "minji@example.org", "동의하고 가입하기", "제공자가 계정에 부여한 식별자"):
        assert text in html
    assert "비밀번호(일방향 암호화하여 저장)" not in html
    assert f'value="{consent.VERSIONS[consent.OIDC]}"' in html

    # The button without the box: refused like the sign-up form, nothing made.
    refused = client.post("/login/oidc/consent", data={"action": "accept",
                                                       "consent_version": consent.VERSIONS[consent.OIDC]},
                          headers={"Accept-Language": "ko"})
    assert refused.status_code == 422
    assert "계정을 만들려면 개인정보 수집·이용에 동의해 주세요." in refused.get_data(as_text=True)
    stale = client.post("/login/oidc/consent", data={"action": "accept", "privacy_consent": "y",
                                                     "consent_version": "2019-01-01"})
    assert stale.status_code == 422
    assert db.session.query(User).count() == 0

    response = agree(client)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    user = db.session.query(User).one()
    assert (user.email, user.display_name) == ("minji@example.org", "Kim Minji")
    record = db.session.query(PrivacyConsent).one()
    assert (record.user_id, record.version) == (user.id, consent.VERSIONS[consent.OIDC])
    assert record.accepted_at is not None
    assert client.get("/api/v1/me").json["id"] == user.id
    # The pending sign-up is gone with the sign-in: posting again makes nothing more.
    assert client.get("/login/oidc/consent").headers["Location"] == "/login"
    assert db.session.query(User).count() == 1 and db.session.query(PrivacyConsent).count() == 1


def test_declining_creates_nothing_and_forgets_the_claims(oidc_app, provider):
    client = oidc_app.test_client()
    client.get(callback_path(approve_at_provider(start_sign_in(client))))
    response = client.post("/login/oidc/consent", data={"action": "decline", "privacy_consent": "y"},
                           headers={"Accept-Language": "ko"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert db.session.query(User).count() == 0 and db.session.query(OidcIdentity).count() == 0
    assert db.session.query(PrivacyConsent).count() == 0
    with client.session_transaction() as session:
        assert "oidc_signup" not in session
    assert "계정을 만들지 않았고" in client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    # Nothing is left to accept afterwards.
    late = agree(client)
    assert late.headers["Location"] == "/login"
    assert db.session.query(User).count() == 0 and client.get("/api/v1/me").status_code == 401


def test_a_pending_sign_up_expires(oidc_app, provider):
    client = oidc_app.test_client()
    client.get(callback_path(approve_at_provider(start_sign_in(client))))
    with client.session_transaction() as session:
        session["oidc_signup"] = {**session["oidc_signup"], "expires": 0}
    assert agree(client).headers["Location"] == "/login"
    assert db.session.query(User).count() == 0


def test_the_consent_page_without_a_provider_answer_sends_to_sign_in(oidc_app):
    client = oidc_app.test_client()
    assert client.get("/login/oidc/consent").headers["Location"] == "/login"
    assert agree(client).headers["Location"] == "/login"
    assert db.session.query(User).count() == 0
