"""Personal updates by Web Push: the ``civic.notifications`` channel for linked devices.

After the transaction that created a notification commits, ``deliver`` (subscribed to
``civic.events.NotificationCreated`` after commit: a job on ``PUSH_QUEUE`` through ``civic.jobs``)
writes one ``PersonalDelivery`` row per linked device — unique per (notification,
device), so a retried job never sends twice — and sends the rows that are due through the same
sender, encryption and VAPID keys as the alert fan-out. Rows created during quiet hours wait
until they end: a scheduled job sends them (RQ with Redis), or ``flask notifications push-due``
(cron) in the embedded default. 404/410 removes the device link; 429/5xx are retried by the
sender within ``PUSH_MAX_ATTEMPTS``; a job that dies leaves its claimed rows to be taken over
after ``PUSH_CLAIM_LEASE_S``.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from civic import jobs
from civic.db import unit_of_work, utcnow
from civic.events import NotificationCreated
from civic.extensions import db
from civic.notifications.models import Device, Notification, PersonalDelivery
from civic.notifications.preferences import preferences_of
from civic.notifications.quiet_hours import quiet_until
from civic.webpush.direct import make_sender
from civic.webpush.sender import PushMessage

log = logging.getLogger(__name__)

TTL_S = 24 * 3600
BODY_CHARS = 140


def on_notification_created(event: NotificationCreated) -> None:
    """The Web Push channel: subscribed to ``NotificationCreated`` after commit (a job on
    ``PUSH_QUEUE`` with Redis, in-process otherwise)."""
    deliver(event.notification_id)


def payload_for(note: Notification) -> bytes:
    """Title, a short body and the page to open; never more personal data than the notification's
    own title (which names a receipt number at most)."""
    body = note.body or ""
    if len(body) > BODY_CHARS:
        body = body[:BODY_CHARS - 1] + "…"
    return json.dumps({"title": note.title, "body": body, "url": note.url or "/notifications",
                       "tag": f"civic-note-{note.id}", "kind": note.kind},
                      ensure_ascii=False, separators=(",", ":")).encode()


def plan(notification_id: int, now: datetime | None = None) -> datetime | None:
    """Write the delivery rows of a notification (idempotent); returns when the rows are due."""
    now = now or utcnow()
    note = db.session.get(Notification, notification_id)
    if note is None:
        return None
    if note.kind == "petition" and not preferences_of(note.user_id).petitions_by_push:
        return None  # the account chose e-mail for petition notices
    window = current_app.config["PERSONAL_PUSH_QUIET_HOURS"]
    due = quiet_until(now, window) or now
    # A device receives what happens from the time it is linked, never an older update whose job
    # happened to run after the link (threads and queues give no order).
    device_ids = set(db.session.scalars(select(Device.id).where(Device.user_id == note.user_id,
                                                                  Device.created_at <= note.created_at)))
    if not device_ids:
        return None
    existing = set(db.session.scalars(select(PersonalDelivery.device_id).where(
        PersonalDelivery.notification_id == notification_id)))
    missing = sorted(device_ids - existing)
    if missing:
        try:
            with unit_of_work():
                db.session.add_all(PersonalDelivery(notification_id=notification_id, device_id=device_id,
                                                    state="pending", not_before=due, updated_at=now)
                                   for device_id in missing)
        except IntegrityError:
            pass  # another run of the same job planned them at the same time
    return db.session.scalar(select(func.min(PersonalDelivery.not_before)).where(
        PersonalDelivery.notification_id == notification_id, PersonalDelivery.state == "pending"))


def deliver(notification_id: int) -> dict[str, int]:
    """The job: plan the rows, send what is due now, schedule the rest."""
    now = utcnow()
    due = plan(notification_id, now)
    if due is None:
        return {}
    if due > now:
        schedule(due, notification_id)
        return {"delayed": 1}
    return send_due(notification_id, now=now)


def schedule(when: datetime, notification_id: int) -> None:
    """Send after quiet hours: a scheduled job (RQ's scheduler, or the pool's ``run_at``); inline,
    the cron command ``flask notifications push-due``."""
    jobs.enqueue_at(when, send_due, notification_id, queue=current_app.config["PUSH_QUEUE"])


def _claimable(now: datetime):
    lease = timedelta(seconds=int(current_app.config["PUSH_CLAIM_LEASE_S"]))
    return and_(PersonalDelivery.device_id.is_not(None), or_(
        and_(PersonalDelivery.state == "pending", PersonalDelivery.not_before <= now),
        and_(PersonalDelivery.state == "sending", PersonalDelivery.updated_at < now - lease)))


def send_due(notification_id: int | None = None, now: datetime | None = None, limit: int = 1000) -> dict[str, int]:
    """Send the due rows (of one notification, or every due row up to ``limit``)."""
    now = now or utcnow()
    claim = uuid.uuid4().hex
    candidates = select(PersonalDelivery.id).where(_claimable(now))
    if notification_id is not None:
        candidates = candidates.where(PersonalDelivery.notification_id == notification_id)
    ids = list(db.session.scalars(candidates.order_by(PersonalDelivery.id).limit(limit)))
    counts = {"sent": 0, "failed": 0, "gone": 0}
    if not ids:
        return counts
    with unit_of_work():
        db.session.execute(update(PersonalDelivery).where(PersonalDelivery.id.in_(ids), _claimable(now))
                           .values(state="sending", claim=claim, updated_at=now))
    rows = db.session.execute(
        select(PersonalDelivery.id, Device.endpoint, Device.p256dh, Device.auth, Notification)
        .join(Device, Device.id == PersonalDelivery.device_id)
        .join(Notification, Notification.id == PersonalDelivery.notification_id)
        .where(PersonalDelivery.claim == claim, PersonalDelivery.state == "sending")).all()
    messages = [PushMessage(row_id, endpoint, p256dh, auth, payload_for(note), TTL_S, "normal",
                            f"civic-note-{note.id}") for row_id, endpoint, p256dh, auth, note in rows]

    def record(results) -> None:
        with unit_of_work():
            for result in results:
                values = {"state": result.outcome, "status_code": result.status_code, "claim": None,
                          "attempts": PersonalDelivery.attempts + result.attempts,
                          "error": (result.error or "")[:200], "updated_at": utcnow()}
                row = db.session.get(PersonalDelivery, result.key)
                device_id = row.device_id if row is not None else None
                if result.outcome == "gone":
                    values["device_id"] = None
                db.session.execute(update(PersonalDelivery).where(PersonalDelivery.id == result.key,
                                                                  PersonalDelivery.claim == claim).values(**values))
                if result.outcome == "gone" and device_id is not None:
                    db.session.execute(update(PersonalDelivery).where(PersonalDelivery.device_id == device_id)
                                       .values(device_id=None))
                    db.session.execute(delete(Device).where(Device.id == device_id))
                    log.info("personal push device %s is gone: unlinked", device_id)
                elif result.outcome == "sent" and device_id is not None:
                    db.session.execute(update(Device).where(Device.id == device_id).values(last_sent_at=utcnow()))
        for result in results:  # counted once written (a failed write is tried again with the same group)
            counts[result.outcome] += 1

    def renew_claim() -> None:  # still alive: nobody else takes these rows over (see civic.alerts.fanout)
        with unit_of_work():
            db.session.execute(update(PersonalDelivery).where(
                PersonalDelivery.claim == claim, PersonalDelivery.state == "sending").values(updated_at=utcnow()))

    lease_s = float(current_app.config["PUSH_CLAIM_LEASE_S"])
    try:
        make_sender().send_all(messages, record, heartbeat=renew_claim, heartbeat_s=lease_s / 3)
    except BaseException:
        # What was not answered goes back to pending for the job's retry (or push-due).
        with unit_of_work():
            db.session.execute(update(PersonalDelivery).where(
                PersonalDelivery.claim == claim, PersonalDelivery.state == "sending")
                .values(state="pending", claim=None))
        raise
    return counts
