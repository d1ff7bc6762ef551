"""Web Push for single users: the ``civic.notifications`` channel and the test notification.

The channel runs after the notification's transaction commits, when the session may not emit
SQL, so it only takes the notification's id and the job works in a session of its own.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from flask import current_app
from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session, scoped_session

from civic import jobs
from civic.alerts.models import PushSubscription
from civic.alerts.sender import PushMessage, PushResult
from civic.extensions import db

NOTIFICATION_TTL_S = 24 * 3600


def push_notification(note) -> None:
    """Channel registered with ``civic.notifications.service``.

    With Redis the push is a job; in the embedded default it runs on a short-lived thread, so a
    slow push service never holds up the request that created the notification."""
    identity = inspect(note).identity
    if not identity:
        return
    if not _has_subscriptions(identity[0]):
        return
    if current_app.config.get("JOBS_INLINE", True):
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types the proxy as Flask
        threading.Thread(target=_push_in_app_context, args=(app, identity[0]), daemon=True,
                         name=f"push-notification-{identity[0]}").start()
    else:
        jobs.enqueue(push_to_user, identity[0], queue=current_app.config["PUSH_QUEUE"], retries=2)


def _has_subscriptions(notification_id: int) -> bool:
    from civic.notifications.models import Notification

    with Session(db.engine) as session:
        return session.scalar(
            select(PushSubscription.id)
            .join(Notification, Notification.user_id == PushSubscription.user_id)
            .where(Notification.id == notification_id).limit(1)) is not None


def _push_in_app_context(app, notification_id: int) -> None:
    with app.app_context():
        try:
            push_to_user(notification_id)
        except Exception:  # noqa: BLE001 - best effort: the in-app notification exists
            app.logger.exception("push for notification %s failed", notification_id)


def push_to_user(notification_id: int) -> dict[str, int]:
    from civic.notifications.models import Notification

    with Session(db.engine) as session:
        note = session.get(Notification, notification_id)
        if note is None:
            return {}
        subscriptions = list(session.scalars(select(PushSubscription).where(PushSubscription.user_id == note.user_id)))
        if not subscriptions:
            return {}
        payload = json.dumps({"title": note.title, "body": note.body[:1000], "url": note.url or "/notifications",
                              "tag": f"civic-note-{note.id}", "kind": note.kind},
                             ensure_ascii=False).encode()
        return send_direct(session, subscriptions, payload, topic=None, urgency="normal")


def send_direct(session: Session | scoped_session[Any], subscriptions: list[PushSubscription], payload: bytes, *,
                topic: str | None, urgency: str, ttl: int = NOTIFICATION_TTL_S) -> dict[str, int]:
    """Send one payload to a few subscriptions now; gone ones are deleted."""
    from civic.alerts.fanout import make_sender

    messages = [PushMessage(s.id, s.endpoint, s.p256dh, s.auth, payload, ttl, urgency, topic) for s in subscriptions]
    results: list[PushResult] = []
    make_sender().send_all(messages, results.extend)
    gone = [r.key for r in results if r.outcome == "gone"]
    if gone:
        session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        session.commit()
    counts = {"sent": 0, "failed": 0, "gone": 0}
    for r in results:
        counts[r.outcome] += 1
    return counts
