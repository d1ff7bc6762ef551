from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.db import IdMixin, TimestampMixin
from civic.extensions import Model

ROLES = ("citizen", "staff", "department_admin", "alert_officer", "admin")

# A role grants itself and everything listed here.
ROLE_IMPLIES = {
    "admin": set(ROLES),
    "department_admin": {"staff"},
    "alert_officer": {"staff"},
}


class Department(IdMixin, TimestampMixin, Model):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    def name(self, locale: str = "ko") -> str:
        return self.name_en if locale == "en" else self.name_ko

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class User(IdMixin, TimestampMixin, Model):
    __tablename__ = "users"

    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(30), default="citizen")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    # When the owner followed the confirmation link (or an administrator / a provider vouched
    # for the address). Until then the account may read but not file anything.
    email_confirmed_at: Mapped[datetime | None]
    # A new address waiting for its owner to follow the link sent to it.
    pending_email: Mapped[str | None] = mapped_column(String(254))

    department: Mapped[Department | None] = relationship()

    def has_role(self, role: str) -> bool:
        return role == self.role or role in ROLE_IMPLIES.get(self.role, set()) or role == "citizen"

    @property
    def is_staff(self) -> bool:
        return self.has_role("staff")

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class OidcIdentity(IdMixin, TimestampMixin, Model):
    """Links an account to a provider's subject; e-mail alone never links accounts."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    provider: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()


class ApiToken(IdMixin, TimestampMixin, Model):
    """Personal access token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ApiClient(IdMixin, TimestampMixin, Model):
    """A machine client (Open311 ``api_key``); only the key's SHA-256 is stored."""

    __tablename__ = "api_clients"

    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    revoked_at: Mapped[datetime | None]


class UserSession(IdMixin, TimestampMixin, Model):
    """A signed-in browser. The cookie carries the token; only its SHA-256 is stored. Deleting
    the row ends the session on the server, whatever copies of the cookie exist."""

    __tablename__ = "user_sessions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginThrottle(Model):
    """Failed sign-ins of one account name from one client address (keyed by a SHA-256 of
    both), and until when the next attempt from there is refused."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(index=True)
