"""Account mail against a real SMTP server: confirmation, the warning to an address's owner,
password reset; and the rule that an unconfirmed account files nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from civic.accounts import consent
from civic.accounts.models import ApiToken, User, UserSession
from civic.extensions import db
from tests.conftest import login
from tests.factories import PASSWORD, make_user
from tests.smtp import html_of, link_with, path_of, text_of

EN = {"Accept-Language": "en"}


@pytest.fixture
def petition_types(departments):
    from civic.petitions.seed import seed

    seed()


def sign_up(client, email, password=PASSWORD, headers=EN):
    return client.post("/register", data={"email": email, "password": password, "display_name": "Kim",
                                          "privacy_consent": "y", "consent_version": consent.CURRENT_VERSION},
                       headers=headers)


def file_petition(client):
    return client.post("/petitions/new", data={"type": "parks", "title": "Lamp out", "body": "The lamp is out.",
                                               "district": "11110", "contact_preference": "in_app"}, headers=EN)


def test_sign_up_confirmation_mail_link_then_file_a_petition(app, client, mailbox, petition_types):
    response = sign_up(client, "New.Person@Example.ORG")
    assert response.status_code == 200
    assert "Check your e-mail" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user is not None and not user.email_confirmed

    [mail] = mailbox.wait_for("new.person@example.org")
    assert mail["To"].addresses[0].addr_spec == "new.person@example.org"
    assert mail["From"].addresses[0].addr_spec == "no-reply@localhost"
    assert mail["Message-ID"].startswith("<") and mail["Date"] is not None
    assert mail["List-Unsubscribe"] is None  # essential mail
    assert mail.get_content_type() == "multipart/alternative"
    link = link_with(mail, "/account/confirm/")
    assert link.startswith("https://civic.example.org/account/confirm/")
    assert link in html_of(mail) and "48 hours" in text_of(mail)

    # Signed in but unconfirmed: reading works, filing is refused with the reason and a way out.
    login(client, "new.person@example.org")
    assert client.get("/petitions", headers=EN).status_code == 200
    refused = file_petition(client)
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "Confirm your e-mail address" in page and "Send a new link" in page
    api = client.post("/api/v1/petitions", json={"type": "parks", "title": "t", "body": "b"}, headers=EN)
    assert api.status_code == 403 and api.mimetype == "application/problem+json"
    assert "Confirm your e-mail address" in api.get_json()["detail"]

    followed = client.get(path_of(link), headers=EN)
    assert followed.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed
    filed = file_petition(client)
    assert filed.status_code == 302 and filed.headers["Location"].startswith("/petitions/")

    # The link is single use: a second visit says so and offers a new link, never a 500.
    again = client.get(path_of(link), headers=EN)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_existing_address_gets_the_same_answer_and_its_owner_a_warning(app, client, mailbox):
    owner = make_user(email="owner@example.org")
    fresh = sign_up(client, "someone@example.org")
    existing = sign_up(client, "OWNER@example.org")
    assert existing.status_code == fresh.status_code == 200
    normalise = lambda r, e: r.get_data(as_text=True).replace(e, "ADDRESS")  # noqa: E731
    assert normalise(existing, "OWNER@example.org") == normalise(fresh, "someone@example.org")
    # No second account, the password of the first unchanged.
    assert db.session.scalar(select(User).where(User.email == "owner@example.org")).id == owner.id
    [warning] = mailbox.wait_for("owner@example.org")
    # In the owner's language (Korean, the default), particles resolved.
    assert warning["Subject"] == "누군가 회원님의 주소로 가입을 시도했습니다"
    assert "/password-reset" in text_of(warning) and "/login" in text_of(warning)
    mailbox.wait_for("someone@example.org")

    # The API says the same for both, in the same shape.
    api_new = client.post("/api/v1/accounts", json={"email": "third@example.org", "password": PASSWORD,
                                                    "privacy_consent": consent.CURRENT_VERSION}, headers=EN)
    api_old = client.post("/api/v1/accounts", json={"email": "owner@example.org", "password": PASSWORD,
                                                    "privacy_consent": consent.CURRENT_VERSION}, headers=EN)
    assert api_new.status_code == api_old.status_code == 202
    assert api_new.get_json() == api_old.get_json()
    assert "already exists" not in api_old.get_data(as_text=True)
    mailbox.wait_for("owner@example.org", count=2)


def test_password_reset_ends_sessions_and_tokens_and_its_link_works_once(app, client, mailbox):
    user = make_user(email="reset@example.org")
    other_device = app.test_client()
    login(other_device, "reset@example.org")
    assert other_device.get("/account").status_code == 200
    token = client.post("/api/v1/password-resets", json={"email": "unknown@example.org"}, headers=EN)
    response = client.post("/api/v1/password-resets", json={"email": "Reset@Example.org"}, headers=EN)
    assert response.status_code == token.status_code == 202
    assert response.get_json() == token.get_json()
    from civic.accounts.service import issue_token

    api_token = issue_token(user)

    [mail] = mailbox.wait_for("reset@example.org")
    assert mail["Subject"] == "비밀번호 재설정" and "30분 동안 한 번만" in text_of(mail)
    link = path_of(link_with(mail, "/password-reset/"))
    page = client.get(link, headers=EN)
    assert page.status_code == 200 and "Set a new password" in page.get_data(as_text=True)
    done = client.post(link, data={"password": "a brand new secret"}, headers=EN)
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")

    # The other device is signed out, the token revoked, the old password gone, the new one works.
    assert other_device.get("/account").status_code in (302, 401)
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() == []
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token}"}).status_code == 401
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)).revoked_at is not None
    fresh = app.test_client()
    assert login(fresh, "reset@example.org", "a brand new secret").status_code == 302
    assert login(app.test_client(), "reset@example.org", PASSWORD).status_code == 422

    # Used once: the same link now says so, with a way to ask for a new one.
    again = client.get(link, headers=EN)
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert "already been used" in html and "/password-reset" in html
    assert client.post(link, data={"password": "yet another secret"}, headers=EN).status_code == 400
    # The owner is told the password changed.
    mailbox.wait_for("reset@example.org", count=2)


def test_tampered_and_expired_links_give_a_clear_page(app, client, mailbox, monkeypatch):
    make_user(email="t@example.org")
    for path in ("/password-reset/garbage", "/account/confirm/garbage", "/account/email/confirm/x.y.z"):
        response = client.get(path, headers=EN)
        assert response.status_code == 400, path
        assert "Send a new link" in response.get_data(as_text=True) or "new link" in response.get_data(as_text=True)
    client.post("/password-reset", data={"email": "t@example.org"}, headers=EN)
    link = path_of(link_with(mailbox.wait_for("t@example.org")[0], "/password-reset/"))
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 31 * 60)
    expired = client.get(link, headers=EN)
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)


def test_hammering_reset_is_throttled_without_slowing_the_owners_sign_in(app, client, mailbox):
    make_user(email="owner@example.org")
    for _ in range(8):
        response = client.post("/api/v1/password-resets", json={"email": "owner@example.org"}, headers=EN)
        assert response.status_code == 202  # the same answer, throttled or not
    free = app.config["LOGIN_FREE_FAILURES"]
    mailbox.wait_for("owner@example.org", count=free + 1)
    import time

    time.sleep(0.5)
    # The first ones go out; then each further request waits twice as long (2 s, 4 s, ...), so
    # eight requests in a row send only a few mails.
    assert free + 1 <= len(mailbox.messages("owner@example.org")) <= free + 2
    assert login(client, "owner@example.org").status_code == 302  # sign-in is not slowed


def test_reset_through_the_api_and_resend_confirmation(app, client, mailbox):
    from civic.accounts.service import issue_token

    user = make_user(email="api@example.org")
    client.post("/api/v1/password-resets", json={"email": "api@example.org"})
    token = link_with(mailbox.wait_for("api@example.org")[0], "/password-reset/").rsplit("/", 1)[1]
    short = client.put(f"/api/v1/password-resets/{token}", json={"password": "short"}, headers=EN)
    assert short.status_code == 422 and "password" in short.get_json()["errors"]
    assert client.put(f"/api/v1/password-resets/{token}", json={"password": "a new long secret"}).status_code == 204
    used = client.put(f"/api/v1/password-resets/{token}", json={"password": "another long one"}, headers=EN)
    assert used.status_code == 400 and used.mimetype == "application/problem+json"

    # An unconfirmed account asks for a new confirmation link through the API.
    client.post("/api/v1/accounts", json={"email": "new@example.org", "password": PASSWORD,
                                          "privacy_consent": consent.CURRENT_VERSION})
    mailbox.wait_for("new@example.org")
    new = db.session.scalar(select(User).where(User.email == "new@example.org"))
    bearer = {"Authorization": f"Bearer {issue_token(new)}"}
    assert client.get("/api/v1/me", headers=bearer).get_json()["email_confirmed"] is False
    assert client.post("/api/v1/me/email-confirmation", headers=bearer).status_code == 202
    second = mailbox.wait_for("new@example.org", count=2)[1]
    client.get(path_of(link_with(second, "/account/confirm/")))
    assert client.get("/api/v1/me", headers=bearer).get_json()["email_confirmed"] is True
    assert user.id != new.id


def test_email_change_is_confirmed_on_the_new_address_and_the_old_one_told(app, client, mailbox):
    user = make_user(email="old@example.org")
    login(client, "old@example.org")
    wrong = client.post("/account/email", data={"email": "new@example.org", "password": "wrong"}, headers=EN)
    assert wrong.status_code == 422
    response = client.post("/account/email", data={"email": "New@Example.org", "password": PASSWORD}, headers=EN)
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "old@example.org"  # not before the link is followed
    link = path_of(link_with(mailbox.wait_for("new@example.org")[0], "/account/email/confirm/"))
    assert client.get(link).status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert changed.email == "new@example.org" and changed.pending_email is None
    [notice] = mailbox.wait_for("old@example.org")
    assert notice["Subject"] == "이메일 주소가 변경되었습니다"
    assert "ne***@example.org" in text_of(notice) and "(으)" not in text_of(notice)  # particles resolved
    assert client.get(link, headers=EN).status_code == 400  # once
