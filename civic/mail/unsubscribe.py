"""One-click unsubscribe (RFC 8058) for every non-essential mail.

The link names the account and what to stop (``updates``: report and proposal mail;
``petitions``: petition notices by e-mail, which then go by push only, since the result notice
itself cannot be switched off). It is signed with ``SECRET_KEY`` and never expires: a mail read
months later can still be stopped. A POST to it (the mail client's one-click request, or the
button on its page) applies the choice; a GET only shows that button, so link scanners change
nothing.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from civic.accounts.models import User
from civic.errors import N_, NotFound
from civic.extensions import db
from civic.mail.compose import absolute
from civic.notifications import preferences

SCOPES = ("updates", "petitions")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="civic-mail-unsubscribe")


def token_for(user: User, scope: str) -> str:
    return _serializer().dumps([user.id, scope])


def url_for_scope(user: User, scope: str) -> str:
    return absolute(f"/mail/unsubscribe/{token_for(user, scope)}")


def read(token: str) -> tuple[User, str]:
    try:
        payload = _serializer().loads(str(token or ""))
    except BadSignature:
        raise NotFound(N_("This unsubscribe link is not valid.")) from None
    if not isinstance(payload, list) or len(payload) != 2 or payload[1] not in SCOPES:
        raise NotFound(N_("This unsubscribe link is not valid."))
    user = db.session.get(User, payload[0]) if isinstance(payload[0], int) else None
    if user is None or not user.is_active:
        raise NotFound(N_("This unsubscribe link is not valid."))
    return user, payload[1]


def apply(token: str) -> tuple[User, str]:
    user, scope = read(token)
    if scope == "updates":
        preferences.set_preferences(user, update_mail="off")
    else:
        preferences.set_preferences(user, petition_channel="push")
    return user, scope
