"""Growing delays after failed sign-ins, per account name and client address (OWASP
Authentication Cheat Sheet: throttle, never lock an account anyone can name).

The first ``LOGIN_FREE_FAILURES`` failures of one e-mail from one address cost nothing; each
further failure doubles the wait before the next attempt from that address is even checked
(2 s, 4 s, 8 s ... up to ``LOGIN_MAX_DELAY_S``). Someone guessing from elsewhere never slows the
owner down, and the owner's right password still works from their own address. A success, or a
day without failures, starts the count again. Refused attempts get the same generic error as a
wrong password.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from civic.accounts.models import LoginThrottle
from civic.db import unit_of_work, utcnow
from civic.extensions import db

# Failures older than this are forgotten (the count starts again).
FORGET_AFTER = timedelta(days=1)


def throttle_key(email: str, client_address: str | None) -> str:
    return hashlib.sha256(f"{email.lower()}|{client_address or '-'}".encode()).hexdigest()


def delay_for(failures: int) -> timedelta:
    """Wait imposed after the ``failures``-th consecutive failure."""
    config = current_app.config
    over = failures - config["LOGIN_FREE_FAILURES"]
    if over <= 0:
        return timedelta(0)
    return timedelta(seconds=min(2 ** min(over, 30), config["LOGIN_MAX_DELAY_S"]))


def blocked_until(key: str, now: datetime | None = None) -> datetime | None:
    """When the next attempt for ``key`` may be checked, if that is still in the future."""
    now = now or utcnow()
    row = db.session.get(LoginThrottle, key)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


def record_failure(key: str) -> datetime | None:
    """Count a failure; returns until when the next attempt is refused (None: not yet)."""
    try:
        return _record_failure(key)
    except IntegrityError:
        # Two first failures at once both inserted the row: count again on the one that won.
        return _record_failure(key)


def _record_failure(key: str) -> datetime | None:
    now = utcnow()
    with unit_of_work():
        row = db.session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            row = LoginThrottle(key=key, failures=0, updated_at=now)
            db.session.add(row)
        elif row.updated_at <= now - FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.updated_at = now
        wait = delay_for(row.failures)
        row.blocked_until = now + wait if wait else None
        # Keep the table small: rows nobody has failed on for a day mean nothing any more.
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.updated_at <= now - FORGET_AFTER))
        return row.blocked_until


def clear(key: str) -> None:
    """A successful sign-in from this address: its count starts again. Runs in the caller's
    unit of work."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
