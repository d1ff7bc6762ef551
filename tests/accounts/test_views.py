from civic.accounts.consent import CURRENT_VERSION
from civic.accounts.models import User
from tests.conftest import csrf_token_from, login, make_config
from tests.factories import PASSWORD, make_user


def test_register_then_sign_in_shows_an_unconfirmed_account(client, db):
    response = client.post("/register", data={"email": "new@example.org", "password": PASSWORD,
                                              "display_name": "Lee", "privacy_consent": "y",
                                              "consent_version": CURRENT_VERSION}, headers={"Accept-Language": "en"})
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    assert db.session.query(User).filter_by(email="new@example.org").count() == 1
    assert client.get("/account").status_code == 302  # not signed in by sign-up itself
    login(client, "new@example.org")
    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "new@example.org" in page and "Lee" in page
    assert "not confirmed yet" in page and "Send a new link" in page


def test_register_form_rerenders_with_field_errors(client, db):
    response = client.post("/register", data={"email": "bad", "password": "short"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and 'aria-invalid="true"' in html
    assert 'value="bad"' in html  # what was typed is kept
    assert db.session.query(User).count() == 0


def test_login_and_logout(client, app):
    make_user(email="c@example.org")
    bad = login(client, "c@example.org", "wrong password!")
    assert bad.status_code == 422
    assert client.get("/account").status_code == 302
    good = login(client, "c@example.org")
    assert good.status_code == 302
    assert client.get("/account").status_code == 200
    client.post("/logout")
    assert client.get("/account").status_code == 302


def test_login_redirects_only_to_local_paths(client):
    make_user(email="c@example.org")
    response = client.post("/login", data={"email": "c@example.org", "password": PASSWORD,
                                           "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login", data={"email": "c@example.org", "password": PASSWORD,
                                           "next": "/account"})
    assert response.headers["Location"] == "/account"


def test_signed_in_language_choice_is_stored_on_the_account(client, db):
    user = make_user(email="c@example.org")
    login(client, "c@example.org")
    client.get("/lang/en")
    db.session.refresh(user)
    assert user.locale == "en"
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)


def test_forms_require_csrf_tokens(tmp_path):
    from civic import create_app
    from civic.extensions import db

    app = create_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        make_user(email="c@example.org")
        client = app.test_client()
        forged = client.post("/login", data={"email": "c@example.org", "password": PASSWORD})
        assert forged.status_code == 400
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        ok = client.post("/login", data={"email": "c@example.org", "password": PASSWORD, "csrf_token": token})
        assert ok.status_code == 302
        # The API refuses a cookie-authenticated write without the header token...
        assert client.post("/api/v1/me").status_code in (400, 405)
        db.session.remove()
        db.engine.dispose()


def test_login_attempts_are_rate_limited(tmp_path):
    from civic import create_app
    from civic.extensions import db

    app = create_app(make_config(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3/minute"))
    with app.app_context():
        db.create_all()
        client = app.test_client()
        codes = [client.post("/login", data={"email": "x@example.org", "password": "wrong password"}).status_code
                 for _ in range(4)]
        db.session.remove()
        db.engine.dispose()
    assert codes[:3] == [422, 422, 422] and codes[3] == 429


def test_password_change_errors_are_shown_in_the_page_language(client, db):
    make_user(email="k@example.org")
    login(client, "k@example.org")
    page = client.post("/account/password", data={"current_password": "not it at all", "new_password": "short"},
                       headers={"Accept-Language": "ko"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "현재 비밀번호가 올바르지 않습니다." in html and "10자 이상 입력하세요." in html
    assert client.get("/account").status_code == 200  # still signed in, password unchanged
