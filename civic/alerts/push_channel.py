"""Web Push to a few subscriptions at once, now (the test notification).

Personal updates to an account's linked devices are ``civic.notifications.push``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, scoped_session

from civic.alerts.models import PushSubscription
from civic.alerts.sender import PushMessage, PushResult

NOTIFICATION_TTL_S = 24 * 3600


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
