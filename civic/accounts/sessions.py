"""Server-side sign-in sessions.

The browser's session cookie (signed by Flask) carries the account id and a random session
token; the database keeps the token's SHA-256 with an expiry. Every request looks the row up, so
deleting it ends the session on the server: a copy of the cookie taken before sign-out, password
change, "sign out everywhere" or account deletion no longer answers. The table lives in the main
database, so this works the same on the embedded SQLite default and on PostgreSQL behind many
web processes (no Redis needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import CursorResult, delete, select

from civic.accounts.models import User, UserSession
from civic.db import unit_of_work, utcnow
from civic.extensions import db


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lifetime() -> timedelta:
    return current_app.config["PERMANENT_SESSION_LIFETIME"]


def start_session(user: User) -> str:
    """Open a session for ``user`` and return its token (given to the browser, never stored).
    Expired sessions of the account are swept in the same unit of work."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with unit_of_work():
        db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                     UserSession.expires_at <= now))
        db.session.add(UserSession(user_id=user.id, token_hash=_hash(token), expires_at=now + lifetime()))
    return token


def user_for_session(user_id: object, token: object) -> User | None:
    """The active account of a live session, or None (unknown, ended or expired session)."""
    if not isinstance(user_id, int) or not isinstance(token, str) or not token:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is None or row.user_id != user_id or row.expires_at <= utcnow():
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    return user


def end_session(token: object) -> None:
    """Sign-out: this browser's session ends on the server."""
    if not isinstance(token, str) or not token:
        return
    with unit_of_work():
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_all_sessions(user: User, keep_token: str | None = None) -> int:
    """End every session of ``user`` (all devices), except ``keep_token``'s when given.
    Returns how many ended. Runs inside the caller's unit of work when there is one."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        query = query.where(UserSession.token_hash != _hash(keep_token))
    result: CursorResult = db.session.execute(query)  # type: ignore[assignment]
    return result.rowcount or 0


def sign_out_everywhere(user: User) -> int:
    """End every session of the account, this browser's included."""
    with unit_of_work():
        return end_all_sessions(user)


def drafts_owner(user: User | None) -> str:
    """An opaque, stable label of the account for drafts kept on a device: drafts carry it so
    that one account's drafts are never sent by another (it reveals nothing about the account)."""
    if user is None:
        return ""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"drafts-owner:{user.id}".encode(), hashlib.sha256).hexdigest()[:24]
