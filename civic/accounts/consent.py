"""Consent to the collection and use of personal data (개인정보 수집·이용 동의), which Korean
law (개인정보 보호법 제15조) requires before an account is made: what is collected, why, and for how
long. The text is versioned; each account records the version it accepted and when.

There are two notices, one per way of signing up, because they collect different items: local
sign-up collects a password, sign-up through an OpenID Connect provider collects the subject
identifier the provider gives the account instead (and no password). Each has its own version
(``VERSIONS``), so that a recorded version names the exact text its account agreed to. Changing a
notice (``mobile_web/templates/accounts/_privacy_consent.html``, ``_COMMON`` or the path's items
here) means a new version for every path whose text changed.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from civic.db import IdMixin, TimestampMixin, utcnow
from civic.errors import N_, ValidationFailed
from civic.extensions import Model, db

LOCAL, OIDC = "local", "oidc"

# The version of each path's notice. The local notice has not changed since 2026-12-01 (its
# version stays); the OpenID Connect notice stopped listing a password on 2026-12-07 (accounts
# made through a provider before that recorded "2026-12-01": the shared text of that day).
VERSIONS = {LOCAL: "2026-12-01", OIDC: "2026-12-07"}
CURRENT_VERSION = VERSIONS[LOCAL]   # local sign-up (pages and API)

_PURPOSE = (_l("Purpose"), _l("To identify you when you sign in, and to let you follow your petitions, reports and "
                              "proposals and receive answers and notifications about them."))
_COMMON = (
    (_l("Retention"), _l("Until you delete your account; then your personal data is deleted at once. Petitions "
                         "are official records kept as the law requires, with the petitioner anonymised.")),
    (_l("Your right to refuse"), _l("You may refuse. Without this consent we cannot create an account, but "
                                    "every page that needs no account stays open to you.")),
)

# What each notice says, in order: (heading, text). The local one is also served to API clients.
NOTICES = {
    LOCAL: (_PURPOSE, (_l("Items collected"), _l(
        "E-mail address, password (stored only as a one-way hash) and, if you give it, your name. Phone "
        "number only if you choose contact by phone on a petition.")), *_COMMON),
    OIDC: (_PURPOSE, (_l("Items collected"), _l(
        "E-mail address and name, if the provider sends them, and the identifier the provider gives your "
        "account (to recognise you when you sign in again). No password: you sign in with the provider. "
        "Phone number only if you choose contact by phone on a petition.")), *_COMMON),
}
ITEMS = NOTICES[LOCAL]


class PrivacyConsent(IdMixin, TimestampMixin, Model):
    """One accepted version of the notice, by one account."""

    __tablename__ = "privacy_consents"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(20))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)


def require_current(version: str | None, path: str = LOCAL) -> str:
    """The version accepted with a sign-up through ``path``; anything but that path's current
    version is refused."""
    if version != VERSIONS[path]:
        raise ValidationFailed({"privacy_consent": N_(
            "Agree to the collection and use of your personal data to create an account.")})
    return version


def record(user, version: str) -> PrivacyConsent:
    """Inside the caller's unit of work."""
    consent = PrivacyConsent(user_id=user.id, version=version, accepted_at=utcnow())
    db.session.add(consent)
    return consent


def latest_for(user) -> PrivacyConsent | None:
    return db.session.scalar(select(PrivacyConsent).where(PrivacyConsent.user_id == user.id)
                             .order_by(PrivacyConsent.accepted_at.desc(), PrivacyConsent.id.desc()).limit(1))
