"""Failed sign-ins slow down the address that fails, per account; nobody can lock another
person's account (issue 14: OWASP growing delays instead of a 15-minute lock)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from civic.accounts import service, throttle
from civic.accounts.models import LoginThrottle
from civic.db import utcnow
from tests.factories import PASSWORD, make_user

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


@pytest.fixture
def owner(app):
    app.config.update(LOGIN_FREE_FAILURES=3, LOGIN_MAX_DELAY_S=300)
    return make_user(email="owner@example.org")


def fail(address: str, email: str = "owner@example.org", times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(service.InvalidCredentials):
            service.authenticate(email, "wrong password!", address)


def unblock(db) -> None:
    """Let time pass: every pending delay is over."""
    db.session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_someone_else_failing_never_locks_the_owner_out(app, owner):
    fail(ATTACKER, times=10)
    assert service.authenticate("owner@example.org", PASSWORD, OWNER) == owner


def test_delays_grow_per_account_and_address(app, owner, db):
    fail(OWNER, times=3)  # the free failures
    assert throttle.blocked_until(throttle.throttle_key("owner@example.org", OWNER)) is None
    fail(OWNER)
    key = throttle.throttle_key("owner@example.org", OWNER)
    first = throttle.blocked_until(key) - utcnow()
    assert timedelta(seconds=1) < first <= timedelta(seconds=2)
    # While the delay runs, even the right password gets the same generic answer.
    with pytest.raises(service.InvalidCredentials) as refused:
        service.authenticate("owner@example.org", PASSWORD, OWNER)
    assert refused.value.detail == "The e-mail or password is incorrect."
    unblock(db)
    fail(OWNER)
    second = throttle.blocked_until(key) - utcnow()
    assert timedelta(seconds=3) < second <= timedelta(seconds=4)
    for _ in range(8):
        unblock(db)
        fail(OWNER)
    assert timedelta(seconds=290) < throttle.blocked_until(key) - utcnow() <= timedelta(seconds=300)  # capped
    # Another account from the same address is not slowed down by these failures.
    make_user(email="other@example.org")
    assert service.authenticate("other@example.org", PASSWORD, OWNER).email == "other@example.org"
    unblock(db)
    assert service.authenticate("owner@example.org", PASSWORD, OWNER) == owner
    assert db.session.get(LoginThrottle, key) is None  # a success starts the count again


def test_unknown_accounts_are_throttled_the_same_way(app, owner):
    fail(ATTACKER, email="nobody@example.org", times=4)
    assert throttle.blocked_until(throttle.throttle_key("nobody@example.org", ATTACKER)) is not None


def test_old_failures_are_forgotten(app, owner, db):
    fail(OWNER, times=5)
    db.session.execute(update(LoginThrottle).values(updated_at=utcnow() - timedelta(days=2),
                                                    blocked_until=None))
    db.session.commit()
    fail(OWNER)
    row = db.session.get(LoginThrottle, throttle.throttle_key("owner@example.org", OWNER))
    assert row.failures == 1 and row.blocked_until is None


def test_the_sign_in_page_keeps_the_generic_error(app, owner):
    attacker = app.test_client()
    for _ in range(8):
        response = attacker.post("/login", data={"email": "owner@example.org", "password": "guess guess"},
                                 environ_base={"REMOTE_ADDR": ATTACKER}, headers={"Accept-Language": "en"})
        assert response.status_code == 422
        assert "The e-mail or password is incorrect." in response.get_data(as_text=True)
    response = app.test_client().post("/login", data={"email": "owner@example.org", "password": PASSWORD},
                                      environ_base={"REMOTE_ADDR": OWNER})
    assert response.status_code == 302
