"""Settings, read from the environment only. The README's configuration table mirrors this file."""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalize_database_url(url: str) -> str:
    """Accept the URLs that hosting platforms hand out and pin the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _instance_secret(instance_path: Path, filename: str) -> str:
    """A secret generated once into the instance folder, so a fresh install is never keyless
    and never shares a key with another install."""
    path = instance_path / filename
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def load_config(instance_path: Path) -> dict:
    env = os.environ
    database_url = normalize_database_url(
        env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'civic.db'}"
    )
    redis_url = env.get("REDIS_URL") or None
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance_path, "secret_key"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "30")) * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": env.get("BABEL_DEFAULT_LOCALE", "ko"),
        "BABEL_DEFAULT_TIMEZONE": env.get("CIVIC_TIMEZONE", "Asia/Seoul"),
        "LANGUAGES": ["ko", "en"],
        "OIDC_PROVIDERS": json.loads(env.get("OIDC_PROVIDERS") or "[]"),
        "PASSWORD_MIN_LENGTH": int(env.get("PASSWORD_MIN_LENGTH", "10")),
        "LOGIN_FREE_FAILURES": int(env.get("LOGIN_FREE_FAILURES", "3")),
        "LOGIN_MAX_DELAY_S": int(env.get("LOGIN_MAX_DELAY_S", "300")),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(env.get("SESSION_LIFETIME_DAYS", "14"))),
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down must not take the whole site with it: writes stay allowed and the
        # failure is logged (documented in the README).
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "WRITE_RATE_LIMIT": env.get("WRITE_RATE_LIMIT", "60/minute;600/hour"),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10/minute"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", False),
        "WTF_CSRF_TIME_LIMIT": None,
        "JOBS_INLINE": redis_url is None,
        "TILE_URL": env.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "CITY_NAME": env.get("CITY_NAME", "Seoul"),
        "DISTRICTS_FILE": env.get("DISTRICTS_FILE") or str(Path(__file__).parent / "data" / "seoul_districts.geojson"),
        "API_PAGE_SIZE_MAX": 100,
        # flask-smorest: the OpenAPI document is generated from the API blueprints.
        "API_TITLE": "civic API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
