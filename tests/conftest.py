"""Fixtures: a fresh app and database per test, on SQLite by default or on PostgreSQL when
``TEST_DATABASE_URL`` is set; Redis-backed tests use ``TEST_REDIS_URL``."""

from __future__ import annotations

import contextvars
import os
import re

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from civic import create_app
from civic.config import normalize_database_url
from civic.extensions import db as _db
from civic.i18n import compile_catalogs

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def pytest_sessionstart(session):
    compile_catalogs()
    if TEST_DATABASE_URL:
        # One schema for the whole run; tests empty the tables after themselves.
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
                          "SECRET_KEY": "test"})
        with app.app_context():
            _db.drop_all()
            with _db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            _db.create_all()
            _db.engine.dispose()


def _empty_tables():
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    if not tables:
        return
    if _db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        with _db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        with _db.engine.begin() as conn:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))


def make_config(tmp_path, **overrides) -> dict:
    instance = tmp_path / "instance"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(instance),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "REDIS_URL": None,
        "JOBS_INLINE": True,
        "PASSWORD_MIN_LENGTH": 10,
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config(tmp_path):
    """Per-test overrides: a test may update this dict before asking for ``app``."""
    return make_config(tmp_path)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (and so its own ``g`` and database session), as
    in production, even though the test body holds an app context open."""

    def open(self, *args, **kwargs):
        def run():
            _cv_app.set(None)
            return FlaskClient.open(self, *args, **kwargs)

        return contextvars.copy_context().run(run)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        if not TEST_DATABASE_URL:
            _db.create_all()
        try:
            yield app
        finally:
            _db.session.remove()
            _empty_tables()
            _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def departments(app):
    from civic.accounts.seed import seed

    seed()
    from civic.accounts.service import list_departments

    return {d.code: d for d in list_departments()}


@pytest.fixture
def redis_url():
    """A real Redis, emptied around the test. Skips when none is reachable, unless
    ``TEST_REDIS_URL`` was given explicitly (CI), where it fails instead."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    url = TEST_REDIS_URL or DEFAULT_REDIS_URL
    conn = Redis.from_url(url)
    try:
        conn.ping()
    except RedisConnectionError:
        if TEST_REDIS_URL:
            raise
        pytest.skip("Redis is not reachable")
    conn.flushdb()
    yield url
    conn.flushdb()


@pytest.fixture
def mailbox():
    """A real SMTP server on loopback (aiosmtpd); point ``app_config["MAIL_URL"]`` at
    ``mailbox.url`` (tests/mail does it for every test)."""
    from tests.smtp import Mailbox

    box = Mailbox()
    box.start()
    yield box
    box.stop()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, email: str, password: str = "correct horse battery"):
    return client.post("/login", data={"email": email, "password": password})


def database_url_for(name: str) -> str:
    """A separate, empty database next to the test database (for migration tests)."""
    base = normalize_database_url(TEST_DATABASE_URL)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name
