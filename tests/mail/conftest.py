import pytest


@pytest.fixture
def app_config(app_config, mailbox):
    """Every mail test sends to the loopback SMTP server."""
    app_config["MAIL_URL"] = mailbox.url
    app_config["PUBLIC_URL"] = "https://civic.example.org"
    app_config["PERSONAL_PUSH_QUIET_HOURS"] = None
    return app_config


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """A cheap (still verifiable) hash instead of scrypt: these tests make many accounts."""
    from werkzeug.security import generate_password_hash

    from civic.accounts import recovery, service

    def cheap(password, method=None):
        return generate_password_hash(password, "pbkdf2:sha256:1")

    monkeypatch.setattr(service, "generate_password_hash", cheap)
    monkeypatch.setattr(recovery, "generate_password_hash", cheap)
