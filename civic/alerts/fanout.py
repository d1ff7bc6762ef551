"""Fan-out of a sent alert: plan the audience into delivery rows, then send them in batches.

Each batch is one job (RQ with Redis, inline otherwise). A delivery row is unique per
(alert, subscription) and moves ``pending`` → ``sending`` (claimed by one run, with a lease) →
``sent`` | ``failed`` | ``gone``; results are written as they arrive, so a batch job that is run
again (a retried job, a worker killed mid-batch, ``flask alerts resume``) only sends what has not
been accepted yet, and two runs at once never send the same row.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, func, literal, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite

from civic import jobs
from civic.alerts.models import Alert, Delivery, PushSubscription, SubscriptionDistrict
from civic.alerts.targeting import district_matches, location_matches
from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.webpush.crypto import MAX_PLAINTEXT
from civic.webpush.direct import make_sender
from civic.webpush.sender import PushMessage, PushResult

log = logging.getLogger(__name__)

URGENCY = {"emergency": "high", "urgent": "high", "safety": "normal"}
OPEN_STATES = ("pending", "sending")
MAX_TTL_S = 28 * 24 * 3600
INSERT_CHUNK = 5000
PLAN_CHUNK = 10_000  # subscription ids planned per statement, their batches enqueued at once


def payload_for(alert: Alert, lang: str) -> bytes:
    """The JSON the service worker shows, kept under the one-record size limit."""
    body = alert.text("body", lang)
    data: dict[str, Any] = {
        "id": alert.id, "type": alert.type, "level": alert.level, "msgType": alert.msg_type,
        "title": alert.text("headline", lang), "body": body, "url": f"/alerts/{alert.id}",
        "tag": alert.topic, "lang": lang,
    }
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    while len(encoded) > MAX_PLAINTEXT and data["body"]:
        data["body"] = data["body"][: max(0, len(data["body"]) - (len(encoded) - MAX_PLAINTEXT) - 4)] + "…"
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return encoded


def ttl_for(alert: Alert) -> int:
    return max(0, min(MAX_TTL_S, int((alert.expires - utcnow()).total_seconds())))


def _insert_new_deliveries():
    """``INSERT`` into the deliveries that skips (alert, subscription) pairs already planned, by
    the unique constraint itself (``ON CONFLICT DO NOTHING``). Not ``NOT EXISTS``: on PostgreSQL
    without table statistics (a freshly filled table) the planner made that an anti join that
    scans, for every row, the index entries the same statement has just inserted: 10,000
    subscriptions took seconds instead of a fraction of one."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Delivery.__table__).on_conflict_do_nothing(index_elements=["alert_id", "subscription_id"])


def start(alert_id: int) -> None:
    """Enqueue the planning job of an alert that was just marked ``sending``."""
    jobs.enqueue(plan_fanout, alert_id, queue=current_app.config["PUSH_QUEUE"], retries=2)


def plan_fanout(alert_id: int) -> int:
    """Create the delivery rows for the alert's audience and enqueue its batches. Idempotent.

    The audience is planned ``PLAN_CHUNK`` subscription ids at a time and each chunk's batches
    are enqueued as soon as its rows exist, so the first phones are reached while the rest of a
    large audience is still being planned. The alert can only become ``sent`` once planning is
    over (``planned_at``)."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.status != "sending":
        return 0
    # The database does the district part (INSERT … SELECT, nothing through Python), shapely the
    # points near a polygon or circle; rows that exist already are left alone (ON CONFLICT).
    table = Delivery.__table__
    columns = ["alert_id", "subscription_id", "state", "attempts", "error", "updated_at"]
    now = literal(utcnow(), type_=table.c.updated_at.type)
    insert_new = _insert_new_deliveries()
    lowest, highest = db.session.execute(select(func.min(PushSubscription.id), func.max(PushSubscription.id))).one()
    batches, enqueued_up_to = 0, 0
    for low in range(lowest or 0, (highest or -1) + 1, PLAN_CHUNK):
        with unit_of_work():
            by_district = district_matches(alert).where(
                SubscriptionDistrict.subscription_id.between(low, low + PLAN_CHUNK - 1)).distinct().subquery()
            # ``WHERE true``: SQLite reads ``… FROM x ON CONFLICT`` as a join's ``ON`` without it.
            db.session.execute(insert_new.from_select(columns, select(
                literal(alert_id), by_district.c.subscription_id, literal("pending"), literal(0), literal(""), now)
                .where(true())))
        count, enqueued_up_to = _enqueue_batches(alert_id, enqueued_up_to)
        batches += count
        alert = db.session.get(Alert, alert_id)  # the session was ended for the jobs
        if alert is None:
            return batches
    with unit_of_work():
        by_location = location_matches(alert)
        for i in range(0, len(by_location), INSERT_CHUNK):
            rows = [{"alert_id": alert_id, "subscription_id": sid, "state": "pending", "attempts": 0,
                     "error": "", "updated_at": utcnow()} for sid in by_location[i:i + INSERT_CHUNK]]
            db.session.execute(insert_new, rows)
    count, enqueued_up_to = _enqueue_batches(alert_id, enqueued_up_to)
    batches += count
    # Planning is over: count the audience and let the alert finish.
    with unit_of_work():
        alert = db.session.get(Alert, alert_id)
        if alert is None:
            return batches
        alert.audience = db.session.execute(
            select(func.count()).select_from(Delivery).where(Delivery.alert_id == alert_id)).scalar_one()
        alert.planned_at = alert.planned_at or utcnow()
    finish_if_done(alert_id)
    return batches


def _batch_bounds(alert_id: int, after_id: int = 0) -> list[tuple[int, int]]:
    """(first id, last id) of each ``PUSH_BATCH_SIZE`` open deliveries with ids above ``after_id``:
    one query (a window over the index), whatever the audience."""
    size = int(current_app.config["PUSH_BATCH_SIZE"])
    numbered = (select(Delivery.id, func.row_number().over(order_by=Delivery.id).label("n"),
                       func.count().over().label("total"))
                .where(Delivery.alert_id == alert_id, Delivery.state.in_(OPEN_STATES), Delivery.id > after_id)
                .subquery())
    edges = db.session.execute(select(numbered.c.id, numbered.c.n, numbered.c.total).where(
        or_((numbered.c.n - 1) % size == 0, numbered.c.n % size == 0, numbered.c.n == numbered.c.total))
        .order_by(numbered.c.id)).all()
    bounds, first = [], 0
    for row_id, n, total in edges:
        if (n - 1) % size == 0:
            first = row_id
        if n % size == 0 or n == total:
            bounds.append((first, row_id))
    return bounds


def _enqueue_batches(alert_id: int, after_id: int) -> tuple[int, int]:
    """Enqueue the batches of open deliveries above ``after_id``; returns (how many, the last id)."""
    bounds = _batch_bounds(alert_id, after_id)
    db.session.rollback()  # end the read before jobs run (inline, they run right here)
    for first, last in bounds:
        jobs.enqueue(send_batch, alert_id, first, last, queue=current_app.config["PUSH_QUEUE"], retries=2)
    return len(bounds), (bounds[-1][1] if bounds else after_id)


def send_batch(alert_id: int, first_id: int, last_id: int) -> dict[str, int]:
    """Send the open deliveries of one batch; rows already decided are left alone."""
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        return {}
    # Claim the open rows: pending ones, and ones another run left ``sending`` longer than the
    # lease ago (its worker died). A run still in flight keeps its rows, so two runs of the same
    # batch at once (a re-queue while workers are busy) never send a row twice.
    claim = uuid.uuid4().hex
    now = utcnow()
    lease_s = float(current_app.config["PUSH_CLAIM_LEASE_S"])
    lease_expired = now - timedelta(seconds=lease_s)
    with unit_of_work():
        db.session.execute(
            update(Delivery)
            .where(Delivery.alert_id == alert_id, Delivery.id.between(first_id, last_id),
                   or_(Delivery.state == "pending",
                       and_(Delivery.state == "sending", Delivery.updated_at <= lease_expired)))
            .values(state="sending", claim=claim, updated_at=now)
            .execution_options(synchronize_session=False))
    with unit_of_work():
        rows = db.session.execute(
            select(Delivery.id, Delivery.subscription_id, PushSubscription.endpoint,
                   PushSubscription.p256dh, PushSubscription.auth, PushSubscription.lang)
            .join(PushSubscription, PushSubscription.id == Delivery.subscription_id, isouter=True)
            .where(Delivery.alert_id == alert_id, Delivery.claim == claim, Delivery.state == "sending")
        ).all()
        orphans = [r.id for r in rows if r.endpoint is None]  # unsubscribed since planning
        if orphans:
            db.session.execute(update(Delivery).where(Delivery.id.in_(orphans))
                               .values(state="gone", claim=None, updated_at=utcnow())
                               .execution_options(synchronize_session=False))
    payloads = {lang: payload_for(alert, lang) for lang in ("ko", "en")}
    ttl, urgency = ttl_for(alert), URGENCY[alert.level]
    messages = [PushMessage(r.id, r.endpoint, r.p256dh, r.auth, payloads.get(r.lang, payloads["ko"]), ttl, urgency,
                            alert.topic)
                for r in rows if r.endpoint is not None]
    sub_of = {r.id: r.subscription_id for r in rows}
    counts = {"sent": 0, "failed": 0, "gone": 0}
    db.session.rollback()  # hold no transaction open during the network phase

    def record(results: list[PushResult]) -> None:
        # One UPDATE per distinct outcome (usually just "sent, 201, 1 attempt"), not per row.
        outcomes: dict[tuple, list[int]] = defaultdict(list)
        for r in results:
            outcomes[(r.outcome, r.status_code, r.attempts, r.error)].append(r.key)
        now = utcnow()
        with unit_of_work():
            # Only rows this run still holds: a run that lost them never overwrites the one that took over.
            for (outcome, status_code, attempts, error), keys in outcomes.items():
                db.session.execute(
                    update(Delivery).where(Delivery.id.in_(keys), Delivery.claim == claim)
                    .values(state=outcome, status_code=status_code, attempts=Delivery.attempts + attempts,
                            error=error, claim=None, updated_at=now)
                    .execution_options(synchronize_session=False))
            gone = [sub_of[r.key] for r in results if r.outcome == "gone" and sub_of.get(r.key)]
            if gone:
                db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone))
                                   .execution_options(synchronize_session=False))
        for r in results:  # counted once written (a failed write is tried again with the same group)
            counts[r.outcome] += 1

    def renew_claim() -> None:
        # Still alive: a batch slowed down by timeouts and retries keeps its rows (the lease
        # runs from the last renewal), so no other run takes them over and sends them again.
        with unit_of_work():
            db.session.execute(update(Delivery).where(Delivery.claim == claim, Delivery.state == "sending")
                               .values(updated_at=utcnow()).execution_options(synchronize_session=False))

    try:
        make_sender().send_all(messages, record, heartbeat=renew_claim, heartbeat_s=lease_s / 3)
    except BaseException:
        # Failing, not dying: hand the unanswered rows back at once, so the job's retry sends
        # them instead of waiting for the lease to run out.
        db.session.rollback()
        with unit_of_work():
            db.session.execute(update(Delivery).where(Delivery.claim == claim, Delivery.state == "sending")
                               .values(state="pending", claim=None)
                               .execution_options(synchronize_session=False))
        raise
    finish_if_done(alert_id)
    log.info("alert %s batch %s-%s: %s", alert_id, first_id, last_id, counts)
    return counts


def finish_if_done(alert_id: int) -> None:
    with unit_of_work():
        alert = db.session.get(Alert, alert_id)
        if alert is None or alert.status != "sending" or alert.planned_at is None:
            return
        open_count = db.session.scalar(select(func.count()).select_from(Delivery)
                                       .where(Delivery.alert_id == alert_id, Delivery.state.in_(OPEN_STATES)))
        if not open_count:
            alert.status = "sent"
            alert.finished_at = utcnow()


def progress(alert: Alert) -> dict[str, int]:
    counts = dict(db.session.execute(
        select(Delivery.state, func.count()).where(Delivery.alert_id == alert.id).group_by(Delivery.state)).all())
    result = {state: counts.get(state, 0) for state in ("pending", "sending", "sent", "failed", "gone")}
    result["total"] = sum(result.values())
    return result


def resume_stalled(older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Plan again (idempotent) and re-enqueue the open batches of alerts still ``sending``."""
    stalled = list(db.session.scalars(select(Alert.id).where(Alert.status == "sending",
                                                             Alert.sent_at < utcnow() - older_than)))
    for alert_id in stalled:
        plan_fanout(alert_id)
    return stalled
