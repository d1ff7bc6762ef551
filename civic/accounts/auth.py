"""Who is asking: a session cookie for pages, ``Authorization: Bearer`` for the API."""

from __future__ import annotations

from functools import wraps

from flask import g, redirect, request, session, url_for

from civic.accounts.models import User
from civic.errors import N_, Forbidden, Unauthorized

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
    if "uid" in session:
        from civic.accounts.sessions import user_for_session

        user = user_for_session(session.get("uid"), session.get("sid"))
        if user is not None:
            g.user, g.auth_method = user, "session"
        else:
            # Ended on the server (sign-out elsewhere, password change, deletion) or expired.
            _forget_account()


def _forget_account() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def login_session(user: User) -> None:
    """Sign this browser in as ``user``: a new server-side session (a fresh cookie, so a
    session id planted before sign-in is worthless)."""
    from civic.accounts.sessions import start_session

    _forget_account()
    session["uid"] = user.id
    session["sid"] = start_session(user)
    session.permanent = True
    g.user, g.auth_method = user, "session"


def logout_session() -> None:
    """Sign this browser out: the session ends on the server, not only in the browser."""
    from civic.accounts.sessions import end_session

    if g.get("auth_method") == "session" or "sid" in session:
        end_session(session.get("sid"))
    _forget_account()
    g.user, g.auth_method = None, None


def current_session_token() -> str | None:
    return session.get("sid") if g.get("auth_method") == "session" else None


def mark_private() -> None:
    """This answer is about the signed-in account: browsers and shared caches must not keep it
    (``Cache-Control: no-store``, set in ``civic.http_policy``)."""
    g.private_response = True


DRAFTS_OWNER_COOKIE = "civic_drafts_owner"


def sync_drafts_owner_cookie(response):
    """Keep the (script-readable) drafts-owner cookie in step with the session, so that the
    device's offline drafts page, even served from the service worker's cache, lists only the
    signed-in account's drafts (see ``civic.accounts.sessions.drafts_owner``)."""
    from flask import current_app

    from civic.accounts.sessions import drafts_owner

    if g.get("auth_method") == "token":
        return response
    want = drafts_owner(g.get("user")) if g.get("auth_method") == "session" else ""
    if want == request.cookies.get(DRAFTS_OWNER_COOKIE, ""):
        return response
    config = current_app.config
    if want:
        response.set_cookie(DRAFTS_OWNER_COOKIE, want, max_age=config["PERMANENT_SESSION_LIFETIME"],
                            samesite="Lax", secure=config["SESSION_COOKIE_SECURE"])
    else:
        response.delete_cookie(DRAFTS_OWNER_COOKIE, samesite="Lax")
    return response


def current_user() -> User | None:
    return g.get("user")


def signed_in_user() -> User:
    """The signed-in user, in a view behind ``login_required`` (typed: never None)."""
    user = current_user()
    if user is None:
        raise Unauthorized(N_("Sign in to continue."))
    return user


def _is_api() -> bool:
    return request.path.startswith("/api/")


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        mark_private()
        if current_user() is None:
            if _is_api():
                raise Unauthorized(N_("Sign in or send a bearer token."))
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper


def confirmed_required(view):
    """A page that files something: signed in (as ``login_required``) with a confirmed address;
    an unconfirmed account is told why before it fills the form in (the services check too)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        from civic.accounts.recovery import require_confirmed

        user = current_user()
        if user is not None:
            require_confirmed(user)
        return view(*args, **kwargs)

    return login_required(wrapper)


def role_required(role: str):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            mark_private()
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


_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def normalize_next(target: str | None) -> str | None:
    r"""``target`` as a browser reads it in a ``Location`` header, when that is a path on this
    site; otherwise None.

    Browsers (WHATWG URL) strip leading and trailing control characters and spaces, drop every
    tab and newline, and read ``\`` as ``/``: so ``/%09/evil.example`` (a tab) and ``/\evil.example``
    both mean ``//evil.example``, another host. The check runs on the normalised form, and that
    form is what is returned (so no control character ever reaches a header).
    """
    if not target or not isinstance(target, str) or len(target) > 2048:
        return None
    value = target.strip("".join(chr(c) for c in range(0x21))).translate(_TAB_OR_NEWLINE).replace("\\", "/")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return None
    if not value.startswith("/") or value.startswith("//"):
        return None
    return value


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in, language switches and the like."""
    return normalize_next(target) or url_for("site.home")
