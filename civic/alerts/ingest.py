"""Relaying the national disaster messages (긴급재난문자, CAP) to the city's subscribers.

One poll (:func:`poll`) fetches a source with a conditional GET, reads it with the format's
reader (``civic.alerts.readers``) and applies each message on its own:

- **dedupe** on (source, serial), for CAP (sender, identifier): polling the same data twice
  creates nothing;
- a CAP ``Update`` supersedes, and a ``Cancel`` cancels, the alerts its ``<references>`` name;
- **regions**: "서울특별시 강서구" -> 11500, "서울특별시" / "서울특별시 전체" -> every district;
  regions outside the city are counted and a message with none inside is skipped;
- the levels in ``ALERTS_INGEST_HOLD_LEVELS`` wait as drafts in the officer console, the others
  are sent at once (the national system has already issued them): the fan-out starts as soon
  as each message is committed.

A failing source (network error, timeout, an HTTP error, a document that is not of its format)
is logged, remembered with its next attempt time (the interval doubled per failure, at most
``ALERTS_INGEST_MAX_BACKOFF_S``) and never raises out of a scheduled poll. Scheduling: with
Redis, :func:`scheduled_poll` is an RQ scheduled job that enqueues its next run first; on the
embedded default, cron runs ``flask alerts ingest``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from civic import audit, jobs
from civic.alerts import banner, fanout
from civic.alerts.ingest_fetch import (  # noqa: F401  (tests and the CLI use them here)
    FORMATS,
    MAX_BODY_BYTES,
    USER_AGENT,
    FetchFailed,
    fetch,
    read_document,
    source_url,
)
from civic.alerts.models import Alert, IngestSource
from civic.alerts.readers import Message, Refused, UnreadableDocument
from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.geo import district_index

log = logging.getLogger(__name__)

SEOUL_NAMES = {"서울특별시", "서울시", "서울"}
WHOLE_CITY_WORDS = {"전체", "전역", "전지역", "일원"}
SEOUL_CODE = "11"                # 시도 part of the 행정구역코드 / SIG_CD


@dataclass
class IngestReport:
    url: str
    format: str
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)      # created as drafts, waiting for an officer
    skipped: Counter = field(default_factory=Counter)  # reason -> messages
    refused: list[str] = field(default_factory=list)   # "where: why", one per unreadable part
    outside_regions: int = 0
    not_modified: bool = False
    error: str | None = None
    retry_at: datetime | None = None
    sent_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        if self.error:
            when = f"; next attempt after {self.retry_at:%Y-%m-%d %H:%M:%S}Z" if self.retry_at else ""
            return f"{self.format} {self.url}: failed: {self.error}{when}"
        if self.not_modified:
            return f"{self.format} {self.url}: not modified"
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.skipped.items()))
        line = (f"{self.format} {self.url}: created {len(self.created)} (held for approval {len(self.held)}), "
                f"updated {len(self.updated)}, cancelled {len(self.cancelled)}, skipped {skipped}"
                f"{f' ({reasons})' if reasons else ''}, refused {len(self.refused)}")
        if self.outside_regions:
            line += f"; regions outside the city: {self.outside_regions}"
        return line


# --- the rules ----------------------------------------------------------------------------------

def districts_for(names: list[str], codes: list[str]) -> tuple[list[str], int]:
    """The city's districts among the message's regions, and how many regions lie outside it.

    Codes (CAP ``<geocode>``: 10-digit 행정구역코드 or 5-digit SIG_CD) decide when any of them is
    the city's; otherwise the names, each "시도 [시군구 [읍면동]]". A district name without the
    city's name is not trusted (Busan has a 강서구 too)."""
    index = district_index()
    by_name = {d.name_ko: d.code for d in index.districts.values()}
    every = sorted(index.districts)
    found: set[str] = set()
    outside = 0
    clean_codes = [c for c in codes if c.isascii() and c.isdigit() and len(c) in (5, 10)]
    if any(c.startswith(SEOUL_CODE) for c in clean_codes):
        for code in clean_codes:
            if not code.startswith(SEOUL_CODE):
                outside += 1
            elif code[2:5] == "000":
                found.update(every)
            elif code[:5] in index.districts:
                found.add(code[:5])
            else:
                outside += 1
        return sorted(found), outside
    for name in names:
        words = name.split()
        if not words or words[0] not in SEOUL_NAMES:
            outside += 1
        elif len(words) == 1 or words[1] in WHOLE_CITY_WORDS:
            found.update(every)
        elif words[1] in by_name:
            found.add(by_name[words[1]])
        else:
            outside += 1
    if not names:
        outside += sum(1 for c in clean_codes if not c.startswith(SEOUL_CODE))
    return sorted(found), outside


def _expires(message: Message, now: datetime) -> datetime:
    if message.expires is not None:
        return message.expires
    return message.sent + timedelta(minutes=int(current_app.config["ALERTS_DEFAULT_EXPIRY_MIN"]))


def _find(source: str, serial: str) -> Alert | None:
    return db.session.scalar(select(Alert).where(Alert.source == source, Alert.source_ref == serial[:200]))


def _new_alert(message: Message, *, msg_type: str, districts: list[str], expires: datetime, status: str,
               now: datetime, references: Alert | None = None, serial: str | None = None) -> Alert:
    alert = Alert(
        identifier=f"urn:uuid:{uuid.uuid4()}", msg_type=msg_type, references_id=references.id if references else None,
        type=message.type, level=message.level, districts=districts,
        headline_ko=(message.headline_ko or message.body_ko)[:160], body_ko=message.body_ko[:3000],
        instruction_ko=message.instruction_ko[:2000],
        headline_en=message.headline_en[:160],   # none: English pages use the type's title and guide
        body_en=message.body_en[:3000], instruction_en=message.instruction_en[:2000],
        onset=min(message.sent, now), expires=expires, status=status, sent_at=now if status == "sending" else None,
        source=message.source[:200], source_ref=(serial or message.serial)[:200],
        source_name=message.source_name[:120], source_sent_at=message.sent,
    )
    db.session.add(alert)
    db.session.flush()
    audit.record(None, "alert.relay", "alert", alert.id, source=alert.source, ref=alert.source_ref,
                 msg_type=msg_type, level=alert.level, status=status)
    return alert


def _apply(message: Message, report: IngestReport, now: datetime) -> None:
    """One message, in its own transaction (the caller commits and starts the fan-outs)."""
    if message.skip_reason:
        report.skipped[message.skip_reason] += 1
        return
    if _find(message.source, message.serial) is not None:
        report.skipped["already relayed"] += 1
        return
    referenced = [a for a in (_find(s, i) for s, i in message.references) if a is not None]
    if message.msg_type == "Cancel":
        _cancel(message, referenced, report, now)
        return
    districts, outside = districts_for(message.region_names, message.region_codes)
    report.outside_regions += outside
    if not districts:
        report.skipped["outside the city"] += 1
        return
    expires = _expires(message, now)
    if expires <= now:
        report.skipped["expired"] += 1
        return
    held = message.level in current_app.config["ALERTS_INGEST_HOLD_LEVELS"]
    status = "draft" if held else "sending"
    sent = [a for a in referenced if a.status != "draft"]
    for draft in (a for a in referenced if a.status == "draft"):
        draft.expires = min(draft.expires, now)   # a held message replaced before anyone sent it
    if message.msg_type == "Update" and sent:
        alert = _new_alert(message, msg_type="Update", districts=districts, expires=expires, status=status,
                           now=now, references=max(sent, key=lambda a: a.id))
        report.updated.append(alert.id)
    else:
        alert = _new_alert(message, msg_type="Alert", districts=districts, expires=expires, status=status, now=now)
        report.created.append(alert.id)
    if held:
        report.held.append(alert.id)
    else:
        report.sent_ids.append(alert.id)


def _cancel(message: Message, referenced: list[Alert], report: IngestReport, now: datetime) -> None:
    if not referenced:
        report.skipped["cancels an unknown alert"] += 1
        return
    for n, original in enumerate(referenced):
        if original.status == "draft":        # held, never sent: withdrawn
            original.expires = min(original.expires, now)
            report.cancelled.append(original.id)
            continue
        cancel = Message(**{**message.__dict__, "type": original.type, "level": original.level,
                            "headline_ko": message.headline_ko if message.headline_ko != "Cancel"
                            else f"취소: {original.headline_ko}"[:160],
                            "body_ko": message.body_ko if message.body_ko != "Cancel"
                            else f"앞서 보낸 재난문자를 취소합니다: {original.headline_ko}"})
        if not message.headline_en and original.headline_en:
            cancel.headline_en = f"Cancelled: {original.headline_en}"
        alert = _new_alert(cancel, msg_type="Cancel", districts=list(original.districts or []),
                           expires=max(original.expires, now + timedelta(hours=1)), status="sending", now=now,
                           references=original, serial=message.serial if n == 0 else f"{message.serial}#{n + 1}")
        report.cancelled.append(alert.id)
        report.sent_ids.append(alert.id)


def _state(url: str, fmt: str) -> IngestSource:
    state = db.session.scalar(select(IngestSource).where(IngestSource.url == url))
    if state is None:
        try:
            with unit_of_work():
                state = IngestSource(url=url, format=fmt)
                db.session.add(state)
        except IntegrityError:                 # another poll created it at the same moment
            state = db.session.scalar(select(IngestSource).where(IngestSource.url == url))
    assert state is not None
    return state


def _backoff(failures: int) -> timedelta:
    interval = float(current_app.config["ALERTS_INGEST_INTERVAL_S"])
    limit = float(current_app.config["ALERTS_INGEST_MAX_BACKOFF_S"])
    return timedelta(seconds=min(limit, interval * 2 ** max(0, failures - 1)))


def _failed(state: IngestSource, report: IngestReport, error: str) -> IngestReport:
    with unit_of_work():
        state.failures += 1
        state.polled_at = now = utcnow()
        state.retry_at = now + _backoff(state.failures)
        state.last_error = error[:300]
    report.error, report.retry_at = error, state.retry_at
    log.warning("alert source %s (%s) failed %d time(s): %s; next attempt after %s",
                state.url, state.format, state.failures, error, state.retry_at.isoformat())
    return report


def poll(url: str, fmt: str, *, force: bool = False, now: datetime | None = None) -> IngestReport:
    """Fetch one source once and relay what is new. ``force`` ignores the backoff and the
    conditional-GET validators (a full read); ``now`` is the time the messages are judged at
    (expiry, sent time), the real time by default."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    now = now or utcnow()
    report = IngestReport(url=url, format=fmt)
    state = _state(url, fmt)
    if not force and state.retry_at is not None and state.retry_at > utcnow():
        report.error, report.retry_at = f"backing off after {state.failures} failure(s): {state.last_error}", \
            state.retry_at
        return report
    headers = {}
    if not force and state.etag:
        headers["If-None-Match"] = state.etag
    if not force and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        response = fetch(source_url(url, fmt), headers)
        if response.status_code == 304:
            report.not_modified = True
            items: list[Message | Refused] = []
        else:
            items = read_document(fmt, response.content, url)
    except (FetchFailed, UnreadableDocument) as exc:
        error = str(exc) or type(exc).__name__
        key = current_app.config.get("ALERTS_INGEST_SERVICE_KEY") or ""
        return _failed(state, report, error.replace(key, "…") if key else error)   # never log the key
    for item in items:
        if isinstance(item, Refused):
            report.refused.append(f"{item.where}: {item.reason}")
            log.warning("alert source %s: refused %s: %s", url, item.where, item.reason)
            continue
        before = len(report.sent_ids)
        try:
            with unit_of_work():
                _apply(item, report, now)
        except IntegrityError:                 # relayed by a concurrent poll a moment ago
            report.skipped["already relayed"] += 1
            continue
        for alert_id in report.sent_ids[before:]:   # the fan-out starts per message, at once
            banner.invalidate()
            fanout.start(alert_id)
    with unit_of_work():
        state.failures, state.retry_at, state.last_error = 0, None, ""
        state.polled_at = state.succeeded_at = utcnow()
        if response.status_code == 200:
            state.etag = (response.headers.get("ETag") or "")[:200]
            state.last_modified = (response.headers.get("Last-Modified") or "")[:64]
    if report.held:
        log.info("alert source %s: %d message(s) wait for an officer", url, len(report.held))
    return report


# --- scheduling ---------------------------------------------------------------------------------

def poll_configured(*, force: bool = False) -> list[IngestReport]:
    """Every source in ``ALERTS_INGEST_SOURCES`` once (cron, or the scheduled job). Never raises:
    a source that fails in any way is logged and the next one is polled."""
    reports = []
    for fmt, url in current_app.config["ALERTS_INGEST_SOURCES"]:
        try:
            reports.append(poll(url, fmt, force=force))
        except Exception as exc:  # noqa: BLE001 - one broken source never stops the others or the scheduler
            db.session.rollback()
            log.exception("alert source %s (%s): poll crashed", url, fmt)
            reports.append(IngestReport(url=url, format=fmt, error=f"{type(exc).__name__}: {exc}"[:300]))
    return reports


def schedule_next(now: float | None = None) -> str | None:
    """With Redis: enqueue the next :func:`scheduled_poll` at the next multiple of the interval.
    The job id is that time slot, so two chains (a restart, a second release) merge into one."""
    if current_app.config["JOBS_INLINE"] or not current_app.config["ALERTS_INGEST_SOURCES"]:
        return None
    interval = float(current_app.config["ALERTS_INGEST_INTERVAL_S"])
    slot = int((now if now is not None else time.time()) // interval) + 1
    when = datetime.fromtimestamp(slot * interval, UTC)
    job_id = f"civic-alerts-ingest-{slot}"
    queue = jobs.get_queue(current_app.config["PUSH_QUEUE"])
    queue.enqueue_at(when, jobs.run_job, f"{__name__}:scheduled_poll", (), {}, job_id=job_id,
                     description=f"{__name__}:scheduled_poll", job_timeout=600, result_ttl=0, failure_ttl=3600)
    return job_id


def scheduled_poll() -> int:
    """The RQ job: schedule the next run first (a worker killed mid-poll never ends the chain),
    then poll every source. Never raises."""
    try:
        schedule_next()
    except Exception:  # noqa: BLE001 - Redis trouble is logged; the poll itself still runs
        log.exception("could not schedule the next alert poll")
    return sum(len(r.created) + len(r.updated) + len(r.cancelled) for r in poll_configured())
