"""The outbox: every mail is a row first, then sent by a job.

``put`` renders a mail in the recipient's language and stores it; ``(key, recipient)`` is unique,
so the same event never yields a second mail. ``dispatch`` hands the row to ``civic.jobs``
(``MAIL_QUEUE``): ``send_one`` claims it (``pending`` → ``sending``), hands it to the transport
and records ``sent``. A failure puts it back to ``pending`` with a growing wait (1, 5, 30, 120
minutes): with Redis an RQ scheduled job retries it, in the embedded default
``flask mail send-due`` (cron) does. After ``MAIL_MAX_ATTEMPTS``, or at once on a permanent SMTP
refusal, the row is ``failed``; ``/healthz`` counts failed and overdue mail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from civic import jobs
from civic.accounts.models import User
from civic.db import rowcount, unit_of_work, utcnow
from civic.extensions import db
from civic.mail import compose, transport
from civic.mail.models import OutboxMessage
from civic.notifications.service import in_locale_of

log = logging.getLogger("civic.mail")

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# A row left "sending" this long (a worker died mid-send) may be taken again.
SENDING_LEASE = timedelta(minutes=10)


def put(key: str, user: User, content_for, *, kind: str, essential: bool, unsubscribe_scope: str | None = None,
        recipient: str | None = None, not_before: datetime | None = None) -> int | None:
    """Store the mail ``content_for()`` (a callable, run in the recipient's language) for ``user``
    at ``recipient`` (default: the account's address). Returns the row id, the existing row's
    when this key and recipient were stored already, None when there is nobody to write to."""
    from civic.mail import unsubscribe

    address = recipient or user.email
    if not address:
        return None
    existing = _find(key, address)
    if existing is not None:
        return existing
    now = utcnow()
    with in_locale_of(user):
        content: compose.Content = content_for()
        unsubscribe_url = None if essential else unsubscribe.url_for_scope(user, unsubscribe_scope or "updates")
        text, html = compose.render(content, unsubscribe_url)
    row = OutboxMessage(key=key[:200], recipient=address, user_id=user.id, kind=kind, essential=essential,
                        unsubscribe_scope=None if essential else (unsubscribe_scope or "updates"),
                        subject=compose.one_line(content.subject, 300), text_body=text, html_body=html,
                        message_id=compose.new_message_id(), state="pending", not_before=not_before or now,
                        created_at=now, updated_at=now)
    try:
        with unit_of_work():
            db.session.add(row)
    except IntegrityError:
        return _find(key, address)  # the same event handled twice at once
    return row.id


def send(user: User | None, key: str, write: Callable[[], compose.Content], *, kind: str, essential: bool,
         unsubscribe_scope: str | None = None, recipient: str | None = None,
         not_before: datetime | None = None) -> None:
    """The one way an event handler mails someone: nobody (``user`` None) gets nothing; else the mail
    ``write()`` (run in the recipient's language) is stored once per ``key`` and sent by a job."""
    if user is None:
        return
    dispatch(put(key, user, write, kind=kind, essential=essential, unsubscribe_scope=unsubscribe_scope,
                 recipient=recipient, not_before=not_before))


def _find(key: str, recipient: str) -> int | None:
    return db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key[:200],
                                                            OutboxMessage.recipient == recipient))


def dispatch(outbox_id: int | None) -> None:
    """Send the row by a job (now, or when its ``not_before`` comes)."""
    if outbox_id is None:
        return
    row = db.session.get(OutboxMessage, outbox_id)
    if row is None or row.state != "pending":
        return
    if row.not_before > utcnow():
        _schedule(row.not_before, outbox_id)
        return
    jobs.enqueue(send_one, outbox_id, queue=current_app.config["MAIL_QUEUE"])


def _schedule(when: datetime, outbox_id: int) -> None:
    """Later: an RQ scheduled job with Redis; ``flask mail send-due`` (cron) in the embedded default."""
    if current_app.config["JOBS_INLINE"]:
        return
    queue = jobs.get_queue(current_app.config["MAIL_QUEUE"])
    queue.enqueue_at(when, jobs.run_job, f"{__name__}:send_one", (outbox_id,), {}, description=f"{__name__}:send_one")


def _claimable(now: datetime):
    return or_(and_(OutboxMessage.state == "pending", OutboxMessage.not_before <= now),
               and_(OutboxMessage.state == "sending", OutboxMessage.updated_at < now - SENDING_LEASE))


def send_one(outbox_id: int, now: datetime | None = None) -> str:
    """The job: send one row if it is due and nobody else is sending it. Returns its state."""
    now = now or utcnow()
    with unit_of_work():
        claimed = rowcount(db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == outbox_id, _claimable(now))
            .values(state="sending", updated_at=now)))
    row = db.session.get(OutboxMessage, outbox_id)
    if row is None:
        return "gone"
    db.session.refresh(row)
    if not claimed:
        return row.state
    user = db.session.get(User, row.user_id) if row.user_id else None
    unsubscribe_url = None
    if not row.essential and user is not None:
        from civic.mail import unsubscribe

        unsubscribe_url = unsubscribe.url_for_scope(user, row.unsubscribe_scope or "updates")
    message = compose.build(recipient=row.recipient, display_name=(user.display_name if user else ""),
                            subject=row.subject, text=row.text_body, html=row.html_body,
                            message_id=row.message_id, date=utcnow(), unsubscribe_url=unsubscribe_url)
    try:
        transport.send(message)
    except transport.TransportError as exc:
        _failed_attempt(row, str(exc), exc.permanent)
        return row.state
    with unit_of_work():
        row.state, row.sent_at, row.updated_at = "sent", utcnow(), utcnow()
        row.attempts += 1
        row.last_error = ""
    log.info("mail %s (%s) sent", row.id, row.kind)
    return row.state


def _failed_attempt(row: OutboxMessage, error: str, permanent: bool) -> None:
    now = utcnow()
    with unit_of_work():
        row.attempts += 1
        row.last_error = error[:300]
        row.updated_at = now
        if permanent or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            row.state = "failed"
        else:
            row.state = "pending"
            row.not_before = now + BACKOFF[min(row.attempts - 1, len(BACKOFF) - 1)]
    log.warning("mail %s (%s) attempt %d failed: %s%s", row.id, row.kind, row.attempts, error,
                " (given up)" if row.state == "failed" else "")
    if row.state == "pending":
        _schedule(row.not_before, row.id)


def send_due(limit: int = 500, now: datetime | None = None) -> dict[str, int]:
    """Send every due row (held back by quiet hours, waiting for a retry, or left by a dead
    worker), oldest first. For cron in the embedded default; harmless anywhere."""
    now = now or utcnow()
    ids = list(db.session.scalars(select(OutboxMessage.id).where(_claimable(now))
                                  .order_by(OutboxMessage.id).limit(limit)))
    counts: dict[str, int] = {}
    for outbox_id in ids:
        state = send_one(outbox_id, now)
        counts[state] = counts.get(state, 0) + 1
    return counts


def health() -> dict[str, int]:
    """For ``/healthz``: mail given up on, and mail due for more than 15 minutes."""
    late = utcnow() - timedelta(minutes=15)
    failed = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                               .where(OutboxMessage.state == "failed")) or 0
    overdue = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.state.in_(("pending", "sending")),
                                       OutboxMessage.not_before < late)) or 0
    return {"failed": failed, "overdue": overdue}
