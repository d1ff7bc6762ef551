"""Core settings (the registry is ``civic/settings.py``) and the Flask configuration derived
from them. Features declare theirs in ``civic/<feature>/settings.py``."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from civic.settings import (
    Setting,
    json_value,
    non_negative,
    one_of,
    optional_str,
    parse_bool,
    positive,
    rate_limit,
)
from civic.timezone import zone_named

PACKAGE_DATA = Path(__file__).parent / "data"


def normalize_database_url(url: str) -> str:
    """Accept the URLs that hosting platforms hand out and pin the psycopg 3 driver."""
    url = url.strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def instance_secret(instance_path: Path, filename: str, generate: Callable[[], str] | None = None) -> str:
    """A secret generated once into the instance folder, so a fresh install is never keyless
    and never shares a key with another install.

    Several processes may start at once on a new instance folder (web workers, a job worker on
    the same volume): each writes its candidate to a private temporary file and links it into
    place, which succeeds for exactly one of them; every process then reads that one complete
    file, so they all sign with the same key.
    """
    path = instance_path / filename
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd, candidate = tempfile.mkstemp(dir=instance_path, prefix=f".{filename}.")  # mode 600
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(generate() if generate else secrets.token_urlsafe(48))
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):  # another process linked its own first
                os.link(candidate, path)
        finally:
            os.unlink(candidate)
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    # A file left by an older version may still be being written by it: wait a moment.
    for _ in range(50):
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty; delete it (a new secret is generated) or set the setting")


def time_zone(value: str) -> str | None:
    try:
        zone_named(value)
    except (LookupError, ValueError):
        return "must be an IANA time zone such as Asia/Seoul"
    return None


def oidc_providers(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(p, dict) and p.get("name") for p in value):
        return 'must be a JSON list of {"name", "metadata_url", "client_id", "client_secret"} objects'
    return None


SETTINGS = [
    # Read first by create_app (every computed default below lives in it); declared for the docs.
    Setting("INSTANCE_PATH", str, None, "Local state: the SQLite file, generated secrets, uploads.",
            default_factory=str, shown_default="`./instance`"),
    Setting("SECRET_KEY", str, None, "Signs sessions and CSRF tokens; set it explicitly (the same on every web "
            "process) when several run on different hosts.",
            default_factory=lambda inst: instance_secret(inst, "secret_key"),
            shown_default="generated once into `instance/secret_key` (mode 600)", secret=True),
    Setting("DATABASE_URL", normalize_database_url, None, "SQLAlchemy URL; `postgres://` and `postgresql://` "
            "URLs are accepted and use psycopg 3.", key="SQLALCHEMY_DATABASE_URI",
            default_factory=lambda inst: f"sqlite:///{inst / 'civic.db'}",
            shown_default="`sqlite:///instance/civic.db` (WAL mode)"),
    Setting("REDIS_URL", optional_str, None, "Redis for RQ job queues and shared rate-limit counters; unset, "
            "jobs run on the embedded pool (`JOBS_BACKEND`) and rate limits are counted per web process."),
    Setting("JOBS_BACKEND", str, "", "How background work runs: `rq` (RQ workers on `REDIS_URL`), `pool` (threads "
            "in the web process working from the durable `jobs` table: no second process) or `inline` (in the "
            "request; development only).", check=one_of("", "inline", "pool", "rq"),
            shown_default="`rq` with `REDIS_URL`, else `pool`"),
    Setting("JOBS_POOL_THREADS", int, 2, "Threads of the embedded job pool in each web process (`pool` backend).",
            check=non_negative),
    Setting("JOBS_LEASE_S", float, 60.0, "A pool job whose process stops renewing its lease (killed, restarted) "
            "is taken over by another pool after this many seconds.", check=positive),
    Setting("UPLOAD_DIR", str, None, "Where photos and attachments are stored (a shared volume when several "
            "web processes run).", default_factory=lambda inst: str(inst / "uploads"),
            shown_default="`$INSTANCE_PATH/uploads`"),
    Setting("MAX_UPLOAD_MB", int, 30, "Largest whole request body, in megabytes.", check=positive),
    Setting("BABEL_DEFAULT_LOCALE", str, "ko", "Language when neither the account nor the browser chooses one.",
            check=one_of("ko", "en")),
    Setting("CIVIC_TIMEZONE", str, "Asia/Seoul", "The city's time zone: dates shown, deadlines, opening hours.",
            check=time_zone, key="BABEL_DEFAULT_TIMEZONE"),
    Setting("CIVIC_HOLIDAY_COUNTRY", str, "KR", "Public-holiday calendar (`holidays` package country code) for "
            "working days and opening hours."),
    Setting("CITY_NAME", str, "Seoul", "Shown in texts, CAP and feeds."),
    Setting("OIDC_PROVIDERS", json_value, [], 'JSON list of OpenID Connect providers: `[{"name": "city", '
            '"label": "서울시 통합인증", "metadata_url": "https://…/.well-known/openid-configuration", '
            '"client_id": "…", "client_secret": "…"}]`.', check=oidc_providers, shown_default="`[]`"),
    Setting("PASSWORD_MIN_LENGTH", int, 10, "Shortest local password.", check=positive),
    Setting("LOGIN_FREE_FAILURES", int, 3, "Failed sign-ins of one e-mail from one client address before delays "
            "start; each further failure doubles the wait before the next attempt from that address is checked "
            "(2 s, 4 s, …). No account is ever locked, and other addresses (the owner's) are not slowed down.",
            check=non_negative),
    Setting("LOGIN_MAX_DELAY_S", int, 300, "Longest wait, in seconds, between sign-in attempts of one e-mail from "
            "one client address.", check=positive),
    Setting("SESSION_LIFETIME_DAYS", int, 14, "How long a sign-in lasts on a device. Sessions are kept on the "
            "server: signing out, a password change, \"sign out everywhere\" and account deletion end them at once, "
            "whatever copies of the cookie exist.", check=positive),
    Setting("EMAIL_CONFIRM_LINK_HOURS", int, 48, "How long the link that confirms an account's e-mail address "
            "works (a new one can be asked for on the account page). Password-reset links always last 30 minutes.",
            check=positive),
    Setting("TRUSTED_PROXIES", int, 0, "Number of reverse proxies (load balancer, ingress) in front of the app. "
            "`X-Forwarded-For` (client address for rate limits and sign-in throttling) and `X-Forwarded-Proto` "
            "(HSTS, `https://` external URLs) are believed from that many hops; `0` ignores both headers.",
            check=non_negative),
    Setting("LOGIN_RATE_LIMIT", str, "10/minute", "Sign-in and sign-up attempts per client address.",
            check=rate_limit),
    Setting("WRITE_RATE_LIMIT", str, "60/minute;600/hour", "Every other write (POST/PUT/PATCH/DELETE) per "
            "client address and endpoint.", check=rate_limit),
    Setting("RATELIMIT_ENABLED", parse_bool, True, "Turn rate limiting off (never in production)."),
    Setting("SESSION_COOKIE_SECURE", parse_bool, False, "Send the session cookie over HTTPS only; set `true` "
            "behind HTTPS."),
    Setting("TILE_URL", str, "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "Map tile server for the pages that show a map.", shown_default="OpenStreetMap tiles"),
    Setting("DISTRICTS_FILE", str, str(PACKAGE_DATA / "seoul_districts.geojson"),
            "GeoJSON with `SIG_CD`, `SIG_KOR_NM`, `SIG_ENG_NM` per district.",
            shown_default="bundled Seoul 자치구 boundaries"),
]


def derived_config(values: dict[str, Any]) -> dict[str, Any]:
    """Flask and extension settings that follow from the declared ones (not set by operators)."""
    redis_url = values.get("REDIS_URL")
    return {
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": values["MAX_UPLOAD_MB"] * 1024 * 1024,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=values["SESSION_LIFETIME_DAYS"]),
        "LANGUAGES": ["ko", "en"],
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down must not take the whole site with it: writes stay allowed and the
        # failure is logged (documented in the README).
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # Tests set JOBS_INLINE to run every job in the caller; JOBS_BACKEND=inline does the same.
        "JOBS_INLINE": values.get("JOBS_BACKEND") == "inline",
        "API_PAGE_SIZE_MAX": 100,
        # flask-smorest: the OpenAPI document is generated from the API blueprints.
        "API_TITLE": "civic API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
