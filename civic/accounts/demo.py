"""Demo accounts, one per role, and the neighbours whose votes and supports give demo content
life. Loaded only by ``flask seed --demo`` on a database without real accounts."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, func, or_, select

from civic import events
from civic.accounts.models import ApiToken, User, UserSession
from civic.accounts.service import create_user, find_user_by_email
from civic.db import unit_of_work, utcnow
from civic.extensions import db

# The same known password for every demo account: demo content is refused on a database with
# real accounts, and the first real account disables every demo account (retire_demo_accounts),
# so these can never sit next to real citizens' data.
DEMO_PASSWORD = "civic-demo-2026"
# role, e-mail, department code, display name, what to try with it
DEMO_ACCOUNTS = (
    ("citizen", "citizen@demo.civic.example", None, "김시민", "proposals, reports, petitions, votes"),
    ("staff", "staff@demo.civic.example", "ROADS", "이도로",
     "the staff console: reports and petitions of 도로관리과"),
    ("alert_officer", "officer@demo.civic.example", "DISASTER", "박안전",
     "draft, preview and send safety alerts"),
    ("admin", "admin@demo.civic.example", None, "관리자", "everything, moderation, routing"),
)
NEIGHBOUR_DOMAIN = "neighbours.demo.civic.example"
log = logging.getLogger(__name__)
NEIGHBOUR_NAMES = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권")


def is_demo_email(email: str | None) -> bool:
    return email is not None and (email.endswith("@demo.civic.example") or email.endswith("@" + NEIGHBOUR_DOMAIN))


def has_real_accounts() -> bool:
    """Any account or API client that is not a demo one: the database is in real use."""
    from civic.accounts.models import ApiClient

    if db.session.scalar(select(ApiClient.id).limit(1)) is not None:
        return True
    emails = db.session.scalars(select(User.email))
    return any(not is_demo_email(email) for email in emails)


def _demo_account_filter():
    return or_(User.email.like("%@demo.civic.example"), User.email.like(f"%@{NEIGHBOUR_DOMAIN}"))


def retire_demo_accounts(event: events.AccountCreated) -> None:
    """In the transaction that creates the first real account (sign-up, OpenID Connect or
    ``flask users create``): every demo account loses its sign-in, sessions and tokens, since
    their password is published in the README."""
    user = db.session.get(User, event.user_id)
    if user is None or is_demo_email(user.email):
        return
    demo = list(db.session.scalars(select(User).where(_demo_account_filter(), User.is_active.is_(True))))
    if not demo:
        return
    ids = [account.id for account in demo]
    now = utcnow()
    for account in demo:
        account.is_active = False
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id.in_(ids),
                                                            ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
    db.session.execute(delete(UserSession).where(UserSession.user_id.in_(ids)))
    log.warning("a real account was created: %d demo accounts can no longer sign in", len(demo))


def demo_accounts() -> dict[str, User]:
    """The four demo accounts by role, created when missing."""
    people = {}
    for role, email, department, name, _ in DEMO_ACCOUNTS:
        people[role] = find_user_by_email(email) or create_user(email, DEMO_PASSWORD, role, department, name)
    return people


def neighbours(count: int) -> list[User]:
    """``count`` demo citizens who cannot sign in (no password): the crowd behind demo votes and
    supports. Their accounts are a week old, so no account-age rule keeps them from taking part."""
    have = list(db.session.scalars(select(User).where(User.email.like(f"%@{NEIGHBOUR_DOMAIN}"))
                                   .order_by(User.id)))
    if len(have) < count:
        week_ago = utcnow() - timedelta(days=7)
        start = (db.session.scalar(select(func.count()).select_from(User)
                                   .where(User.email.like(f"%@{NEIGHBOUR_DOMAIN}"))) or 0)
        with unit_of_work():
            for n in range(start, count):
                user = User(email=f"neighbour{n + 1:03d}@{NEIGHBOUR_DOMAIN}", password_hash=None,
                            display_name=f"{NEIGHBOUR_NAMES[n % len(NEIGHBOUR_NAMES)]}○○", role="citizen",
                            created_at=week_ago, email_confirmed_at=week_ago)
                db.session.add(user)
                have.append(user)
    return have[:count]
