"""The active alerts every page shows under its header, cheap enough for every request.

The list is computed from the database at most once per ``ALERTS_BANNER_CACHE_S`` seconds and
never kept past the earliest expiry in it. With Redis it is shared by every web process (one
GET per page); without, it lives in the process. Sending an alert (an update or cancellation
too) drops it at once, so a new alert is on every page from the next request.

Summaries are plain dicts (not ORM rows), safe to keep across requests and threads.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime
from typing import Any

from flask import current_app

from civic.db import utcnow

log = logging.getLogger(__name__)

REDIS_KEY = "civic:alerts:active-banner"
LEVEL_ORDER = {"emergency": 0, "urgent": 1, "safety": 2}
# The district preference a device keeps for the home page: set by alerts.js when it subscribes
# (chosen districts and the district of its shared location), cleared when it unsubscribes.
DISTRICTS_COOKIE = "alert_districts"

_lock = threading.Lock()


def _summaries(now: datetime) -> list[dict]:
    from civic.alerts.service import active_alerts
    from civic.alerts.targeting import effective_districts

    items: list[dict[str, Any]] = []
    for alert in active_alerts(now):
        if alert.msg_type == "Cancel":  # a cancellation ends the hazard; it is no banner
            continue
        items.append({
            "id": alert.id, "level": alert.level, "type": alert.type, "msg_type": alert.msg_type,
            "headline_ko": alert.headline_ko, "headline_en": alert.headline_en or "",
            "districts": sorted(effective_districts(alert)),
            "sent_at": alert.sent_at.isoformat() if alert.sent_at else None,
            "expires": alert.expires.isoformat(),
        })
    items.sort(key=lambda a: (LEVEL_ORDER.get(a["level"], 9), -(a["id"])))
    return items


def _lifetime(items: list[dict], now: datetime) -> float:
    """Seconds the list may be kept: the setting, and never past the first expiry in it."""
    ttl = float(current_app.config["ALERTS_BANNER_CACHE_S"])
    for item in items:
        ttl = min(ttl, (datetime.fromisoformat(item["expires"]) - now).total_seconds())
    return max(ttl, 0.0)


def _redis():
    if not current_app.config["REDIS_URL"]:
        return None
    from civic.jobs import redis_connection

    return redis_connection()


def _local() -> dict:
    return current_app.extensions.setdefault("alerts_banner_cache", {})


def active_summaries() -> list[dict]:
    """Active alerts (not cancelled, not replaced, not expired), most severe first, cached."""
    if float(current_app.config["ALERTS_BANNER_CACHE_S"]) <= 0:
        return _summaries(utcnow())
    conn = _redis()
    if conn is not None:
        try:
            cached = conn.get(REDIS_KEY)
            if cached is not None:
                return json.loads(cached)
        except Exception:  # noqa: BLE001 - a cache outage must not take the pages down
            log.warning("alert banner cache unreachable; reading the database", exc_info=True)
            conn = None
    else:
        local = _local()
        entry = local.get("entry")
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
    now = utcnow()
    items = _summaries(now)
    ttl = _lifetime(items, now)
    if conn is not None:
        try:
            if ttl >= 1:
                conn.set(REDIS_KEY, json.dumps(items), ex=int(ttl))
        except Exception:  # noqa: BLE001
            log.warning("alert banner cache unreachable", exc_info=True)
    else:
        with _lock:
            _local()["entry"] = (time.monotonic() + ttl, items)
    return items


def invalidate() -> None:
    """Forget the cached list (called after an alert, update or cancellation is sent)."""
    _local().pop("entry", None)
    conn = _redis()
    if conn is not None:
        try:
            conn.delete(REDIS_KEY)
        except Exception:  # noqa: BLE001
            log.warning("could not drop the alert banner cache; it expires on its own", exc_info=True)


def parse_districts(value: str | None) -> list[str]:
    """District codes from the device's cookie ("11680-11110"); unknown codes are ignored."""
    from civic.geo import get_district

    codes = []
    for code in (value or "").split("-")[:25]:
        if len(code) == 5 and code.isdigit() and get_district(code) is not None and code not in codes:
            codes.append(code)
    return codes


def for_districts(items: list[dict], districts: list[str]) -> tuple[list[dict], list[dict]]:
    """Split the active alerts into those reaching one of ``districts`` and the others."""
    wanted = set(districts)
    mine = [a for a in items if wanted.intersection(a["districts"])]
    others = [a for a in items if not wanted.intersection(a["districts"])]
    return mine, others


def for_page() -> list[dict]:
    """What the banner shows: every active alert, the device's districts first. A failure
    (database down, for instance on the error page itself) shows no banner rather than none
    of the page."""
    from flask import request

    try:
        items = active_summaries()
    except Exception:  # noqa: BLE001
        log.warning("active alerts unavailable for the banner", exc_info=True)
        from civic.extensions import db

        db.session.rollback()
        return []
    mine, others = for_districts(items, parse_districts(request.cookies.get(DISTRICTS_COOKIE)))
    return mine + others
