"""Who is asking: a session cookie for pages, ``Authorization: Bearer`` for the API."""

from __future__ import annotations

from functools import wraps

from flask import g, redirect, request, session, url_for

from civic.accounts.models import User
from civic.errors import N_, Forbidden, Unauthorized
from civic.extensions import db

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def load_current_user() -> None:
    g.user = None
    g.auth_method = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        from civic.accounts.service import user_for_token

        user = user_for_token(header[7:].strip())
        if user is None:
            raise Unauthorized(N_("The access token is invalid or revoked."))
        g.user, g.auth_method = user, "token"
        return
    uid = session.get("uid")
    if uid is not None:
        user = db.session.get(User, uid)
        if user is not None and user.is_active and session.get("epoch") == _epoch(user):
            g.user, g.auth_method = user, "session"
        else:
            session.clear()


def _epoch(user: User) -> str:
    # Changing the password hash ends every session of the account.
    return (user.password_hash or "oidc")[-16:]


def login_session(user: User) -> None:
    session.clear()
    session["uid"] = user.id
    session["epoch"] = _epoch(user)
    session.permanent = True


def logout_session() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_user() -> User | None:
    return g.get("user")


def _is_api() -> bool:
    return request.path.startswith("/api/")


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            if _is_api():
                raise Unauthorized(N_("Sign in or send a bearer token."))
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def role_required(role: str):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                if _is_api():
                    raise Unauthorized(N_("Sign in or send a bearer token."))
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if not user.has_role(role):
                raise Forbidden(N_("Your account does not have the required role."))
            return view(*args, **kwargs)

        return wrapper

    return decorator


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("site.home")
