"""Behind a load balancer: ``TRUSTED_PROXIES`` decides whether ``X-Forwarded-For`` and
``X-Forwarded-Proto`` are believed (issue 14)."""

from __future__ import annotations

import pytest

from civic import create_app
from civic.extensions import db
from tests.conftest import FreshContextClient, _empty_tables, make_config

HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def make_app(tmp_path):
    made = []

    def build(**overrides):
        config = make_config(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2/minute", **overrides)
        app = create_app(config)
        app.test_client_class = FreshContextClient
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


def sign_in_codes(app, addresses):
    with app.app_context():
        db.create_all()
    client = app.test_client()
    return [client.post("/login", data={"email": "x@example.org", "password": "wrong password"},
                        headers={"X-Forwarded-For": address}).status_code for address in addresses]


def test_without_trusted_proxies_forwarded_headers_are_ignored(make_app):
    app = make_app()  # TRUSTED_PROXIES defaults to 0
    # Forging X-Forwarded-For does not buy a fresh rate-limit budget...
    assert sign_in_codes(app, ["10.0.0.1", "10.0.0.2", "10.0.0.3"])[2] == 429
    client = app.test_client()
    # ...and X-Forwarded-Proto does not make a plain-HTTP request look secure.
    response = client.get("/healthz", headers=HTTPS)
    assert "Strict-Transport-Security" not in response.headers
    assert client.get("/open311/v2/discovery.json", headers=HTTPS).json["endpoints"][0]["url"].startswith("http://")


def test_one_trusted_proxy(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    # Each client address behind the proxy has its own budget.
    assert sign_in_codes(app, ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.1"]) == \
        [422, 422, 422, 422, 429]
    client = app.test_client()
    response = client.get("/healthz", headers=HTTPS)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert client.get("/open311/v2/discovery.json", headers=HTTPS).json["endpoints"][0]["url"].startswith("https://")
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_only_the_address_the_trusted_proxy_added_counts(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    # A client cannot escape its budget by prepending addresses: the proxy appends the real one.
    codes = sign_in_codes(app, ["1.1.1.1, 10.0.0.9", "2.2.2.2, 10.0.0.9", "3.3.3.3, 10.0.0.9"])
    assert codes[2] == 429


def test_trusted_proxies_comes_from_the_environment(tmp_path, monkeypatch):
    from civic.settings import SettingsError

    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "-1")
    with pytest.raises(SettingsError, match="TRUSTED_PROXIES"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
