"""Sessions end on the server: a copy of the cookie taken before sign-out, password change,
"sign out everywhere" or account deletion no longer answers (issue 14)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from civic.accounts.models import UserSession
from civic.db import utcnow
from tests.conftest import FreshContextClient, _empty_tables, csrf_token_from, login, make_config
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def stolen_copy(app, client):
    """Another browser holding a copy of ``client``'s session cookie (shared phone, stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


@pytest.fixture
def citizen(app):
    return make_user(email="c@example.org")


def test_sign_out_ends_the_session_on_the_server(app, client, citizen):
    login(client, "c@example.org")
    thief = stolen_copy(app, client)
    assert signed_in(thief)
    client.post("/logout")
    assert not signed_in(client)
    assert not signed_in(thief)
    # The petition pages too, not only the API.
    response = thief.get("/petitions/new")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_out_leaves_other_devices_signed_in(app, citizen):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "c@example.org")
    login(laptop, "c@example.org")
    phone.post("/logout")
    assert not signed_in(phone) and signed_in(laptop)


def test_sign_out_everywhere_ends_every_session(app, citizen):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "c@example.org")
    login(laptop, "c@example.org")
    copy = stolen_copy(app, laptop)
    response = phone.post("/logout/everywhere")
    assert response.status_code == 302
    assert not signed_in(phone) and not signed_in(laptop) and not signed_in(copy)
    assert app.extensions["sqlalchemy"].session.scalar(select(UserSession.id)) is None


def test_sign_out_everywhere_in_json(app, client, citizen):
    login(client, "c@example.org")
    other = app.test_client()
    login(other, "c@example.org")
    assert client.delete("/api/v1/me/sessions").status_code == 204
    assert not signed_in(client) and not signed_in(other)


def test_sign_out_everywhere_is_a_form_with_a_csrf_token(tmp_path):
    from flask import url_for

    from civic import create_app
    from civic.extensions import db

    app = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
        try:
            make_user(email="c@example.org")
            client = app.test_client()
            token = csrf_token_from(client.get("/login").get_data(as_text=True))
            client.post("/login", data={"email": "c@example.org", "password": PASSWORD, "csrf_token": token})
            with app.test_request_context():
                action = url_for("accounts.logout_everywhere")
            page = client.get("/account").get_data(as_text=True)
            assert f'action="{action}"' in page
            assert client.post(action).status_code == 400  # forged: no token
            assert signed_in(client)
            assert client.post(action, data={"csrf_token": csrf_token_from(page)}).status_code == 302
            assert not signed_in(client)
        finally:
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


def test_password_change_ends_the_other_sessions(app, citizen):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "c@example.org")
    login(laptop, "c@example.org")
    copy = stolen_copy(app, phone)
    wrong = phone.post("/account/password", data={"current_password": "not it at all",
                                                  "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and signed_in(laptop)
    response = phone.post("/account/password", data={"current_password": PASSWORD,
                                                      "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(phone)                 # the browser that changed it stays signed in
    assert not signed_in(laptop)
    assert signed_in(copy)                  # (the same session as the phone's)
    phone.post("/logout")
    assert not signed_in(copy)
    assert login(app.test_client(), "c@example.org", NEW_PASSWORD).status_code == 302


def test_account_deletion_ends_every_session(app, citizen):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, "c@example.org")
    login(laptop, "c@example.org")
    copy = stolen_copy(app, phone)
    assert phone.post("/account/delete", data={"confirm": "y"}).status_code == 302
    assert not signed_in(phone) and not signed_in(laptop) and not signed_in(copy)
    assert app.extensions["sqlalchemy"].session.scalar(select(UserSession.id)) is None


def test_an_expired_session_is_signed_out(app, client, citizen, db):
    login(client, "c@example.org")
    db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not signed_in(client)


def test_a_forged_or_old_style_cookie_is_not_a_session(app, citizen):
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    for payload in ({"uid": citizen.id}, {"uid": citizen.id, "sid": "guessed"},
                    {"uid": citizen.id, "sid": 5}, {"uid": str(citizen.id), "sid": "x"}):
        client = app.test_client()
        client.set_cookie("session", serializer.dumps(payload))
        assert not signed_in(client)


def test_a_session_of_one_account_cannot_be_moved_to_another(app, client, citizen):
    other = make_user(email="o@example.org")
    login(client, "c@example.org")
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    data = serializer.loads(client.get_cookie("session").value)
    data["uid"] = other.id
    forged = app.test_client()
    forged.set_cookie("session", serializer.dumps(data))
    assert not signed_in(forged)


PRIVATE_PAGES = ["/account", "/account/password", "/petitions", "/petitions/new", "/notifications"]


def test_private_pages_and_answers_are_not_stored(app, client, citizen, departments):
    login(client, "c@example.org")
    for path in PRIVATE_PAGES + ["/api/v1/me", "/api/v1/petitions/mine"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "ETag" not in response.headers, path
    # Public pages keep their revalidation (ETag, private no-cache).
    home = client.get("/")
    assert home.headers["Cache-Control"] == "private, no-cache" and home.headers.get("ETag")


def test_staff_pages_and_apis_are_not_stored(app, departments):
    from tests.factories import bearer

    staff = make_user(role="staff", department="CIVIL-AFFAIRS", email="s@example.org")
    client = app.test_client()
    login(client, "s@example.org")
    for path in ["/staff", "/staff/petitions", "/api/v1/staff/petitions", "/api/v1/staff/petitions/counts"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    with_token = app.test_client().get("/api/v1/me", headers=bearer(staff))
    assert with_token.headers["Cache-Control"] == "no-store"
