"""Notify users in-app. Delivery channels (Web Push, e-mail) are subscriptions to
``civic.events.NotificationCreated`` after commit: a rolled-back use case notifies nobody, and a
failing channel never undoes the in-app notification."""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update

from civic import events
from civic.api.pagination import Page, paginate
from civic.db import rowcount, unit_of_work, utcnow
from civic.errors import N_, NotFound
from civic.extensions import db
from civic.notifications.models import Notification


@contextmanager
def in_locale_of(user):
    """Render texts in the recipient's language, not the current request's."""
    with force_locale(getattr(user, "locale", None) or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def notify(user, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    """Queue a notification for ``user`` in the caller's unit of work (no commit here)."""
    note = Notification(user_id=user.id, kind=kind, title=title[:200], body=body, url=url[:500])
    db.session.add(note)
    db.session.flush()
    events.emit(events.NotificationCreated(note.id, user.id))
    return note


def list_for(user, page: int = 1, per_page: int = 20) -> Page:
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    return paginate(query, page, per_page)


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def mark_read(user, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) notification of ``user`` read."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        if db.session.get(Notification, notification_id) is None:
            raise NotFound(N_("No such notification."))
        query = query.where(Notification.id == notification_id)
    with unit_of_work():
        result = db.session.execute(query.values(read_at=utcnow()))
    return rowcount(result)
