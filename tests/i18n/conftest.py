import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Many accounts, no hashing under test: a cheap (still verifiable) hash."""
    from werkzeug.security import generate_password_hash

    from civic.accounts import service as accounts_service

    monkeypatch.setattr(accounts_service, "generate_password_hash",
                        lambda password, method=None: generate_password_hash(password, "pbkdf2:sha256:1"))
