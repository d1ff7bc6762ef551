"""Account rules: sign-up, sign-in with throttling, passwords, OIDC linking, tokens and API clients."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable

from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from civic import events
from civic.accounts.models import ROLES, ApiClient, ApiToken, Department, OidcIdentity, User
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Conflict, DomainError, NotFound, ValidationFailed
from civic.extensions import db

# Compared against when the e-mail is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class InvalidCredentials(DomainError):
    status = 401
    title = "Invalid credentials"


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_email(raw: str | None, field: str = "email") -> str:
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationFailed({field: N_("Enter a valid e-mail address.")}) from None


def check_new_password(password: str | None) -> str:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password or len(password) < minimum:
        raise ValidationFailed({"password": N_("Use at least %(n)d characters.", n=minimum)})
    if len(password) > 1024:
        raise ValidationFailed({"password": N_("Use at most %(n)d characters.", n=1024)})
    return password


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def get_department(code: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise NotFound(N_("Unknown department %(code)s.", code=code))
    return department


def district_office_code(district_code: str) -> str:
    """The department code of a district's office (구청), e.g. ``GU-11680`` for Gangnam-gu."""
    return f"GU-{district_code}"


def district_office(district_code: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.code == district_office_code(district_code)))


def list_departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.code)))


def register_local(email: str, password: str, display_name: str = "", *,
                   privacy_consent: str | None = None, locale: str | None = None) -> User | None:
    """Create a citizen account with an e-mail and password. ``privacy_consent`` is the version
    of the personal-data notice the person accepted; only the current one will do.

    The answer reveals nothing about other accounts: for an address that already has one, no
    account is made (None is returned, after the same work) and its owner is warned by mail
    (``SignUpAttemptedForExistingAccount``). A new account starts unconfirmed: it may sign in
    and read, and files nothing until its owner follows the link mailed to the address
    (``EmailConfirmationRequested``). ``locale`` is the language the person signed up in (mail
    is written in it)."""
    import uuid

    from civic.accounts import consent

    errors = {}
    try:
        consent.require_current(privacy_consent)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        email = normalize_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        check_new_password(password)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if len(display_name or "") > 100:
        errors["display_name"] = N_("Use at most %(n)d characters.", n=100)
    if errors:
        raise ValidationFailed(errors)
    # Hashed in both cases, so that an existing address takes as long as a new one.
    password_hash = generate_password_hash(password, method="scrypt")
    holder = find_user_by_email(email)
    request_id = uuid.uuid4().hex
    if holder is not None:
        with unit_of_work():
            events.emit(events.SignUpAttemptedForExistingAccount(user_id=holder.id, request_id=request_id))
        return None
    try:
        with unit_of_work():
            user = User(email=email, password_hash=password_hash,
                        display_name=(display_name or "").strip(), role="citizen",
                        locale=locale if locale in current_app.config["LANGUAGES"] else None)
            db.session.add(user)
            db.session.flush()
            consent.record(user, consent.CURRENT_VERSION)
            events.emit(events.AccountCreated(user_id=user.id, source="local"))
            events.emit(events.EmailConfirmationRequested(user_id=user.id, request_id=request_id))
    except IntegrityError:
        # The same address signed up twice at once: the second one is an existing address.
        holder = find_user_by_email(email)
        if holder is None:
            raise
        with unit_of_work():
            events.emit(events.SignUpAttemptedForExistingAccount(user_id=holder.id, request_id=request_id))
        return None
    return user


def authenticate(email: str, password: str, client_address: str | None = None) -> User:
    """Check e-mail and password. Every failure raises the same generic error. Failures slow
    down further attempts for this e-mail from this client address (``civic.accounts.throttle``);
    nobody can lock someone else's account."""
    from civic.accounts import throttle

    try:
        email = normalize_email(email)
    except ValidationFailed:
        raise InvalidCredentials(N_("The e-mail or password is incorrect.")) from None
    key = throttle.throttle_key(email, client_address)
    if throttle.blocked_until(key) is not None:
        # Refused before any password is checked; same time and answer as a wrong password.
        check_password_hash(_DUMMY_HASH, password or "")
        raise InvalidCredentials(N_("The e-mail or password is incorrect."))
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        throttle.record_failure(key)
        raise InvalidCredentials(N_("The e-mail or password is incorrect."))
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        throttle.record_failure(key)
        raise InvalidCredentials(N_("The e-mail or password is incorrect."))
    with unit_of_work():
        throttle.clear(key)
        user.last_login_at = utcnow()
    return user


def change_password(user: User, current_password: str, new_password: str,
                    keep_session: str | None = None) -> None:
    """Replace the password after checking the current one. Every other session of the
    account ends (the one given in ``keep_session`` stays signed in)."""
    from civic.accounts.sessions import end_all_sessions

    errors = {}
    if not user.password_hash or not check_password_hash(user.password_hash, current_password or ""):
        errors["current_password"] = N_("The current password is incorrect.")
    try:
        check_new_password(new_password)
    except ValidationFailed as exc:
        errors["new_password"] = exc.errors["password"]
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        user.password_hash = generate_password_hash(new_password, method="scrypt")
        end_all_sessions(user, keep_token=keep_session)


def _verified_email(claims: dict) -> str | None:
    if not claims.get("email") or claims.get("email_verified") not in (True, "true"):
        return None
    try:
        return normalize_email(str(claims["email"]))
    except ValidationFailed:
        return None


def merge_userinfo(id_claims: dict, userinfo: dict) -> dict:
    """ID token claims completed with the UserInfo answer. UserInfo must be about the ID
    token's subject (OIDC Core §5.3.2), or it is refused; the ID token's own claims win."""
    if str(userinfo.get("sub") or "") != str(id_claims.get("sub") or ""):
        raise ValidationFailed({"sub": N_("The provider's UserInfo is about another subject.")})
    merged = {key: value for key, value in userinfo.items() if value not in (None, "")}
    merged.update({key: value for key, value in id_claims.items() if value not in (None, "")})
    return merged


def oidc_identity(provider: str, claims: dict) -> OidcIdentity | None:
    """The link of ``provider`` + ``sub`` to an account, if one was made."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise ValidationFailed({"sub": N_("The provider returned no subject.")})
    return db.session.scalar(
        select(OidcIdentity).where(OidcIdentity.provider == provider, OidcIdentity.subject == subject))


def sign_in_oidc(provider: str, claims: dict, *, privacy_consent: str | None = None) -> User:
    """Find the account linked to ``provider`` + ``sub``, or create it. As with local sign-up, an
    account is created only with the current version of the provider path's personal-data notice
    accepted
    (``privacy_consent``; ``ValidationFailed`` otherwise, and nothing is written); the version is
    recorded with the account. A linked account's name and (verified) e-mail follow the
    provider's on every sign-in."""
    from civic.accounts import consent

    identity = oidc_identity(provider, claims)
    if identity is None:
        consent.require_current(privacy_consent, consent.OIDC)
    with unit_of_work():
        if identity is None:
            user = User(email=None, display_name="", role="citizen")
            db.session.add(user)
            db.session.flush()
            consent.record(user, consent.VERSIONS[consent.OIDC])
            events.emit(events.AccountCreated(user_id=user.id, source="oidc"))
            identity = OidcIdentity(provider=provider, subject=str(claims["sub"]), user=user)
            db.session.add(identity)
        user = identity.user
        email = _verified_email(claims)
        # Never take over another account by e-mail: only a verified address nobody else uses
        # is recorded.
        if email and email != user.email:
            holder = find_user_by_email(email)
            if holder is None or holder.id == user.id:
                user.email = email
                user.email_confirmed_at = user.email_confirmed_at or utcnow()
        elif email and email == user.email and user.email_confirmed_at is None:
            # The provider vouches for the address (email_verified): confirmed already.
            user.email_confirmed_at = utcnow()
        name = str(claims.get("name") or "").strip()[:100]
        if name:
            user.display_name = name
        user.last_login_at = utcnow()
    return user


def department_staff(department_id: int | None) -> list[User]:
    """The active staff of a department, by name: who may be assigned its work."""
    if department_id is None:
        return []
    users = db.session.scalars(select(User).where(User.department_id == department_id, User.is_active.is_(True))
                               .order_by(User.display_name, User.id))
    return [user for user in users if user.has_role("staff")]


def department_staff_member(department_id: int | None, user_id) -> User:
    """Active staff member ``user_id`` of the department (else ``ValidationFailed`` on ``user``)."""
    try:
        member = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        member = None
    if member is None or not member.is_active or not member.has_role("staff") \
            or department_id is None or member.department_id != department_id:
        raise ValidationFailed({"user": N_("Choose a staff member of the handling department.")})
    return member


def create_user(email: str, password: str, role: str = "citizen", department_code: str | None = None,
                display_name: str = "") -> User:
    if role not in ROLES:
        raise ValidationFailed({"role": N_("One of %(values)s.", values=", ".join(ROLES))})
    email = normalize_email(email)
    check_new_password(password)
    if find_user_by_email(email):
        raise Conflict(N_("An account with this e-mail already exists."))
    department = get_department(department_code) if department_code else None
    if role in ("staff", "department_admin") and department is None:
        raise ValidationFailed({"department": N_("Staff need a department.")})
    with unit_of_work():
        # An administrator vouches for the address: confirmed already.
        user = User(email=email, password_hash=generate_password_hash(password, method="scrypt"),
                    role=role, department=department, display_name=display_name,
                    email_confirmed_at=utcnow())
        db.session.add(user)
        db.session.flush()
        events.emit(events.AccountCreated(user_id=user.id, source="cli"))
    return user


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise ValidationFailed({"locale": N_("Unsupported language.")})
    with unit_of_work():
        user.locale = locale


def issue_token(user: User) -> str:
    """A new personal access token; the plain value is returned once and never stored."""
    token = "civ_" + secrets.token_urlsafe(32)
    with unit_of_work():
        db.session.add(ApiToken(user_id=user.id, token_hash=hash_secret(token), prefix=token[:12]))
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(token)))
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    return row.user


def revoke_tokens(user: User, prefix: str | None = None) -> int:
    """Revoke the user's tokens (all, or the one starting with ``prefix``)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if prefix:
        query = query.where(ApiToken.prefix == prefix[:12])
    count = 0
    with unit_of_work():
        for token in db.session.scalars(query):
            token.revoked_at = utcnow()
            count += 1
    return count


def create_api_client(name: str) -> tuple[ApiClient, str]:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed({"name": N_("Give the client a name of 1 to 100 characters.")})
    key = "key_" + secrets.token_urlsafe(32)
    with unit_of_work():
        client = ApiClient(name=name, key_hash=hash_secret(key), prefix=key[:12])
        db.session.add(client)
    return client, key


def client_for_key(key: str | None) -> ApiClient | None:
    if not key:
        return None
    client = db.session.scalar(select(ApiClient).where(ApiClient.key_hash == hash_secret(key)))
    if client is None or client.revoked_at is not None:
        return None
    # Constant-time check on top of the indexed lookup, for symmetry with tokens.
    return client if hmac.compare_digest(client.key_hash, hash_secret(key)) else None


def require_role(user: User | None, role: str) -> User:
    """The authorization check services use; raises Unauthorized/Forbidden."""
    from civic.errors import Forbidden, Unauthorized

    if user is None:
        raise Unauthorized(N_("Sign in to continue."))
    if not user.has_role(role):
        raise Forbidden(N_("Your account does not have the required role."))
    return user


# --- account deletion -----------------------------------------------------------------------

# name -> hook(user), per app in ``app.extensions``; each feature registers one in its init_app, so
# accounts needs no knowledge of the features' tables. Hooks run inside delete_account's unit of work.
DELETION_HOOKS = "civic_deletion_hooks"


def register_deletion_hook(app: Flask, fn: Callable[[User], None]) -> None:
    """``fn(user)`` removes or anonymises the feature's personal data of ``user``; it runs in
    the same transaction as the account's own anonymisation (never commits)."""
    app.extensions.setdefault(DELETION_HOOKS, {})[f"{fn.__module__}.{fn.__qualname__}"] = fn


def delete_account(user: User) -> None:
    """Remove the account's personal data for good. The row stays (anonymous, inactive, with
    no way to sign in) so that public content and legal records keep their author reference,
    shown as anonymous."""
    from civic.accounts.sessions import end_all_sessions
    from civic.notifications.models import Notification

    with unit_of_work():
        end_all_sessions(user)
        for hook in list(current_app.extensions.get(DELETION_HOOKS, {}).values()):
            hook(user)
        for model in (ApiToken, OidcIdentity, Notification):
            for row in db.session.scalars(select(model).where(model.user_id == user.id)):
                db.session.delete(row)
        user.email = None
        user.password_hash = None
        user.display_name = ""
        user.locale = None
        user.pending_email = None
        user.is_active = False
        user.last_login_at = None
        if user.role != "citizen":
            user.role = "citizen"
            user.department = None
