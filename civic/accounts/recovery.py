"""Address confirmation, password reset and e-mail change: the rules behind the links we mail.

A link carries a token signed with ``SECRET_KEY`` (itsdangerous), for one purpose, with its
issue time. It names the account and a *fingerprint* of the state the link is meant to change
(the address still unconfirmed, the password hash, the address being replaced). Following the
link changes that state, so the same link then reads as used: links are single use without a
table of issued tokens, and a link stops working as soon as what it was about has changed (a new
password set another way ends every reset link).

Requests for a link reveal nothing: the same answer whether or not an account has the address.
Repeated requests for one address from one client address are throttled like sign-in
(``throttle.py``), under their own key, so hammering them never slows the owner's sign-in.
The mails themselves are written by ``civic.mail``, which reacts to the events emitted here.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from civic import events
from civic.accounts.models import ApiToken, User
from civic.db import unit_of_work, utcnow
from civic.errors import N_, DomainError, Forbidden, ValidationFailed
from civic.extensions import db

RESET_LINK_MAX_AGE = timedelta(minutes=30)
PURPOSES = ("confirm", "reset", "change")


class EmailNotConfirmed(Forbidden):
    """The account has not confirmed its address yet: it may read, not file or comment."""

    title = "E-mail address not confirmed"
    template = "accounts/confirm_required.html"


class LinkInvalid(DomainError):
    """A mailed link that expired, was used already or was tampered with. ``reason`` is
    ``expired``, ``used`` or ``invalid``; ``purpose`` says which new link to offer."""

    status = 400
    title = "Link not valid"
    template = "accounts/link_invalid.html"

    def __init__(self, purpose: str, reason: str):
        messages = {
            "expired": N_("This link has expired."),
            "used": N_("This link has already been used."),
            "invalid": N_("This link is not valid. Copy the whole link from the e-mail, or ask for a new one."),
        }
        super().__init__(messages[reason])
        self.purpose, self.reason = purpose, reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"civic-mail-link-{purpose}")


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:20]


def _fingerprint(user: User, purpose: str) -> str:
    if purpose == "confirm":
        return _digest(user.email, user.email_confirmed_at is None)
    if purpose == "reset":
        return _digest(user.password_hash or "", user.is_active)
    return _digest(user.email, user.pending_email)


def make_token(user: User, purpose: str) -> str:
    """The token of a new link for ``user`` (the mail feature puts it in the mail)."""
    payload: list = [user.id, _fingerprint(user, purpose)]
    if purpose == "change":
        payload.append(user.pending_email)
    return _serializer(purpose).dumps(payload)


def max_age(purpose: str) -> timedelta:
    if purpose == "reset":
        return RESET_LINK_MAX_AGE
    return timedelta(hours=current_app.config["EMAIL_CONFIRM_LINK_HOURS"])


def read_token(token: str, purpose: str) -> User:
    """The account a link is about, or ``LinkInvalid`` (expired, used or tampered with)."""
    serializer = _serializer(purpose)
    try:
        payload = serializer.loads(str(token or ""), max_age=int(max_age(purpose).total_seconds()))
    except SignatureExpired:
        raise LinkInvalid(purpose, "expired") from None
    except BadSignature:
        raise LinkInvalid(purpose, "invalid") from None
    if not isinstance(payload, list) or len(payload) < 2 or not isinstance(payload[0], int):
        raise LinkInvalid(purpose, "invalid")
    user = db.session.get(User, payload[0])
    if user is None or not user.is_active or not user.email:
        raise LinkInvalid(purpose, "invalid")
    if payload[1] != _fingerprint(user, purpose):
        raise LinkInvalid(purpose, "used")
    if purpose == "change" and (len(payload) < 3 or payload[2] != user.pending_email):
        raise LinkInvalid(purpose, "used")
    return user


# --- throttling of link requests ------------------------------------------------------------

def _throttled(kind: str, email: str, client_address: str | None) -> bool:
    """Count one request for a link; True when this address asked too often from here (the
    request is then answered the same way but no mail goes out)."""
    from civic.accounts import throttle

    key = throttle.throttle_key(f"{kind}:{email}", client_address)
    if throttle.blocked_until(key) is not None:
        return True
    throttle.record_failure(key)
    return False


# --- confirmation ---------------------------------------------------------------------------

def require_confirmed(user: User) -> User:
    """Filing a petition, report or proposal and commenting need a confirmed address."""
    if not user.email_confirmed:
        raise EmailNotConfirmed(N_("Confirm your e-mail address first: follow the link we sent you. "
                                   "You can ask for a new link."))
    return user


def request_confirmation(user: User, client_address: str | None = None) -> None:
    """Send a new confirmation link to the account's address (throttled; no-op once confirmed)."""
    if user.email_confirmed or not user.email:
        return
    if _throttled("confirm", user.email, client_address):
        return
    with unit_of_work():
        events.emit(events.EmailConfirmationRequested(user_id=user.id, request_id=uuid.uuid4().hex))


def confirm_email(token: str) -> User:
    user = read_token(token, "confirm")
    with unit_of_work():
        user.email_confirmed_at = utcnow()
    return user


# --- password reset -------------------------------------------------------------------------

# Hashed when no account matches, so both answers cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def request_password_reset(email: str, client_address: str | None = None) -> None:
    """Mail a reset link when an account has this address. Always the same answer (None); an
    unknown address, an invalid one and a throttled request look alike to the caller."""
    from civic.accounts.service import find_user_by_email, normalize_email

    try:
        email = normalize_email(email)
    except ValidationFailed:
        check_password_hash(_DUMMY_HASH, email or "")
        return
    throttled = _throttled("reset", email, client_address)
    user = find_user_by_email(email)
    check_password_hash(_DUMMY_HASH, email)
    if throttled or user is None or not user.is_active:
        return
    with unit_of_work():
        events.emit(events.PasswordResetRequested(user_id=user.id, request_id=uuid.uuid4().hex))


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link: the link is spent, every session and personal
    access token of the account ends, and following the link proves the address too."""
    from civic.accounts.service import check_new_password
    from civic.accounts.sessions import end_all_sessions

    user = read_token(token, "reset")
    check_new_password(new_password)
    with unit_of_work():
        now = utcnow()
        user.password_hash = generate_password_hash(new_password, method="scrypt")
        if user.email_confirmed_at is None:
            user.email_confirmed_at = now
        end_all_sessions(user)
        for api_token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                                      ApiToken.revoked_at.is_(None))):
            api_token.revoked_at = now
        events.emit(events.PasswordReset(user_id=user.id, request_id=uuid.uuid4().hex))
    return user


# --- e-mail change --------------------------------------------------------------------------

def request_email_change(user: User, new_email: str, password: str | None,
                         client_address: str | None = None) -> None:
    """Ask to replace the address: a link goes to the new one, which replaces the old one only
    when followed. The same answer whether or not another account uses the new address."""
    from civic.accounts.service import find_user_by_email, normalize_email

    errors: dict[str, str] = {}
    if user.password_hash and not check_password_hash(user.password_hash, password or ""):
        errors["password"] = N_("The current password is incorrect.")
    try:
        new_email = normalize_email(new_email, "email")
    except ValidationFailed as exc:
        errors.update(exc.errors)
    else:
        if new_email == user.email:
            errors["email"] = N_("This is already your address.")
    if errors:
        raise ValidationFailed(errors)
    if _throttled("change", new_email, client_address):
        return
    holder = find_user_by_email(new_email)
    with unit_of_work():
        if holder is not None:
            # Nothing to confirm: the address belongs to someone else, who is told.
            events.emit(events.SignUpAttemptedForExistingAccount(user_id=holder.id, request_id=uuid.uuid4().hex))
            return
        user.pending_email = new_email
        db.session.flush()
        events.emit(events.EmailChangeRequested(user_id=user.id, new_email=new_email,
                                                request_id=uuid.uuid4().hex))


def confirm_email_change(token: str) -> User:
    from civic.accounts.service import find_user_by_email

    user = read_token(token, "change")
    new_email = user.pending_email or ""
    holder = find_user_by_email(new_email)
    if holder is not None and holder.id != user.id:
        with unit_of_work():
            user.pending_email = None
        raise LinkInvalid("change", "used")
    old_email = user.email or ""
    with unit_of_work():
        user.email = new_email
        user.pending_email = None
        user.email_confirmed_at = utcnow()
        events.emit(events.EmailChanged(user_id=user.id, old_email=old_email, new_email=new_email))
    return user
