"""Alert settings (the registry is civic/settings.py); the sender's and the push-service allowlist
are civic/webpush/settings.py."""

from urllib.parse import urlsplit

from civic.settings import Setting, csv_list, non_negative, positive

INGEST_FORMATS = ("safetydata", "disastermsg", "cap")


def ingest_sources(text: str) -> list[tuple[str, str]]:
    """``FORMAT=URL`` pairs separated by spaces, e.g. ``safetydata=https://… cap=https://…``."""
    pairs = []
    for item in text.split():
        fmt, sep, url = item.partition("=")
        if not sep or not url:
            raise ValueError(f"expected FORMAT=URL, got {item!r}")
        pairs.append((fmt.strip().lower(), url.strip()))
    return pairs


def valid_sources(value: list[tuple[str, str]]) -> str | None:
    bad = [f"{fmt}={url}" for fmt, url in value
           if fmt not in INGEST_FORMATS or urlsplit(url).scheme not in ("https", "http") or not urlsplit(url).hostname]
    return f"formats are {', '.join(INGEST_FORMATS)} and URLs http(s): {', '.join(bad)}" if bad else None


def valid_levels(value: list[str]) -> str | None:
    bad = [v for v in value if v not in ("emergency", "urgent", "safety")]
    return f"levels are emergency, urgent, safety: {', '.join(bad)}" if bad else None


SETTINGS = [
    Setting("PUSH_BATCH_SIZE", int, 500, "Subscriptions per fan-out batch job.", check=positive),
    Setting("ALERTS_CAP_SENDER", str, "safety-alerts@example.org", "CAP `<sender>`."),
    Setting("ALERTS_DEFAULT_EXPIRY_MIN", int, 360, "Alert expiry, in minutes, when none is given.",
            check=positive),
    Setting("ALERTS_BANNER_CACHE_S", float, 15.0, "How long the active-alert list under every page's header "
            "is kept (never past an expiry; sending drops it at once); 0 reads it on every request.",
            check=non_negative),
    Setting("ALERTS_INGEST_SOURCES", ingest_sources, [], "National disaster messages to relay, polled every "
            "`ALERTS_INGEST_INTERVAL_S`: `FORMAT=URL` pairs separated by spaces, FORMAT one of `safetydata` "
            "(DSSP-IF-00247 JSON), `disastermsg` (data.go.kr DisasterMsg) or `cap` (a CAP 1.2 document or an "
            "Atom/RSS feed of them).", check=valid_sources, shown_default="none (nothing is polled)"),
    Setting("ALERTS_INGEST_INTERVAL_S", float, 60.0, "Seconds between polls of each source (RQ scheduler with "
            "Redis; cron runs `flask alerts ingest` on the embedded default).", check=positive),
    Setting("ALERTS_INGEST_TIMEOUT_S", float, 10.0, "Connect and read timeout of one poll, in seconds.",
            check=positive),
    Setting("ALERTS_INGEST_MAX_BACKOFF_S", float, 1800.0, "Longest wait before a failing source is polled again "
            "(the wait doubles from the interval with each failure).", check=positive),
    Setting("ALERTS_INGEST_SERVICE_KEY", str, "", "`serviceKey` of the 재난안전데이터 공유플랫폼 and data.go.kr "
            "APIs, added to their URLs.", secret=True),
    Setting("ALERTS_INGEST_HOLD_LEVELS", csv_list, [], "Levels of relayed messages that wait as drafts in the "
            "officer console for an officer to send (comma-separated: emergency, urgent, safety); the others "
            "go out at once.", check=valid_levels, shown_default="none (every level is relayed at once)"),
]
