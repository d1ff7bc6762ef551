"""Fixtures: an app and an empty database per test, on SQLite by default or on PostgreSQL when
``TEST_DATABASE_URL`` is set; Redis-backed tests use ``TEST_REDIS_URL``.

Building an app (``create_app``) and its schema costs far more than most tests, so apps are built
once per distinct configuration and reused; each test still gets the configuration it asked for
(``app_config``), its own upload folder, a fresh rate-limit store and an empty database:

- SQLite: every built app has its own database file; before each test it is replaced by a copy
  of the template made right after ``create_all``.
- PostgreSQL: one schema per run (per xdist worker: ``<database>_gw0``, ``<database>_gw1``, …,
  created when missing); before each test the tables that hold rows are truncated. Servers and
  threads that tests start open their own connections, so transactions that roll back would not
  isolate them.

A test that changes the app itself (adds routes, hooks) asks for ``@pytest.mark.fresh_app``.
Under pytest-xdist the tests that use Redis (``redis_url``) run on one worker, since they share
the one Redis database.
"""

from __future__ import annotations

import contextvars
import copy
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from civic import create_app
from civic.config import normalize_database_url
from civic.extensions import db as _db
from civic.extensions import limiter
from civic.i18n import compile_catalogs

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, … under pytest-xdist


def _worker_database_url(url: str | None) -> str | None:
    if not url:
        return None
    url = normalize_database_url(url)
    if not WORKER:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{WORKER}").render_as_string(hide_password=False)


TEST_DATABASE_URL = _worker_database_url(os.environ.get("TEST_DATABASE_URL"))
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


# --- session ---------------------------------------------------------------------------------

def pytest_configure(config):
    config.addinivalue_line("markers", "fresh_app: the test changes the app itself, so it gets one of its own")
    config.addinivalue_line("markers", "real_password_hashing: keep the production password hash (scrypt)")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    if not WORKER:
        compile_catalogs()
    if TEST_DATABASE_URL:
        _create_database(TEST_DATABASE_URL)
        # One schema for the whole run; each test empties the tables it finds filled.
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL, "SECRET_KEY": "test",
                          "INSTANCE_PATH": str(_session_dir(session.config) / "schema")})
        with app.app_context():
            _db.create_all()
            _db.engine.dispose()


E2E_TIMEOUT_S = 420


@pytest.hookimpl(tryfirst=True)  # before xdist's loadgroup reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("e2e") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(E2E_TIMEOUT_S))
        # One Redis database for the run: its tests go to one xdist worker (``--dist loadgroup``).
        if "redis_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("redis"))


def _session_dir(config) -> Path:
    base = Path(config._tmp_path_factory.getbasetemp())  # set up before sessionstart by pytest's tmpdir plugin
    path = base / f"session-{WORKER or 'main'}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _create_database(url: str) -> None:
    """``CREATE DATABASE`` for this worker's database when it does not exist yet."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


# --- configuration -----------------------------------------------------------------------------

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


# --- apps built once per configuration ---------------------------------------------------------

# Keys that name per-test places; they are not part of what makes two apps alike.
_PER_TEST_KEYS = ("INSTANCE_PATH", "UPLOAD_DIR", "SQLALCHEMY_DATABASE_URI")


@dataclass
class _BuiltApp:
    app: Flask
    config: dict                 # app.config right after create_app, restored before each test
    extensions: dict             # app.extensions likewise (event handlers, per-app caches)
    database_file: Path | None   # SQLite: the file the app uses …
    template: Path | None        # … and the empty (seeded) copy it is reset from
    prepare: Callable[[], object] | None


_built: dict[tuple[str, str], _BuiltApp] = {}


def _reusable(config: dict, tmp_path: Path) -> bool:
    """Apps on the per-test SQLite file or on the run's PostgreSQL database can be shared."""
    uri = config.get("SQLALCHEMY_DATABASE_URI") or ""
    if TEST_DATABASE_URL and uri == TEST_DATABASE_URL:
        return True
    return uri.startswith("sqlite:///") and Path(uri[len("sqlite:///"):]).parent == tmp_path


def _freeze(config: dict) -> str:
    return repr(sorted((key, value) for key, value in config.items() if key not in _PER_TEST_KEYS))


def _snapshot(config) -> dict:
    try:
        return copy.deepcopy(dict(config))
    except Exception:  # noqa: BLE001  (a value that cannot be copied: keep it shared)
        return dict(config)


def app_for_test(config: dict, tmp_path: Path, session_dir: Path, *, kind: str = "app",
                 prepare: Callable[[], object] | None = None) -> Flask:
    """The app for ``config``: built once per configuration (``prepare`` runs on its empty
    database, e.g. seeding), then handed to each test with that state restored."""
    key = (kind, _freeze(config))
    built = _built.get(key)
    if built is None:
        built = _build(config, session_dir / f"{kind}-{len(_built)}", prepare)
        _built[key] = built
    _begin_test(built, Path(config["UPLOAD_DIR"]))
    return built.app


def _build(config: dict, folder: Path, prepare) -> _BuiltApp:
    folder.mkdir(parents=True, exist_ok=True)
    database_file = None if TEST_DATABASE_URL else folder / "test.db"
    uri = TEST_DATABASE_URL or f"sqlite:///{database_file}"
    app = create_app({**config, "INSTANCE_PATH": str(folder / "instance"), "UPLOAD_DIR": str(folder / "uploads"),
                      "SQLALCHEMY_DATABASE_URI": uri})
    app.test_client_class = FreshContextClient
    template = None
    if database_file is not None:
        with app.app_context():
            _db.create_all()
            if prepare is not None:
                prepare()
            _db.session.remove()
            _db.engine.dispose()
        template = folder / "template.db"
        shutil.copyfile(database_file, template)
    return _BuiltApp(app, _snapshot(app.config), dict(app.extensions), database_file, template, prepare)


def _begin_test(built: _BuiltApp, upload_dir: Path) -> None:
    app = built.app
    app.config.clear()
    app.config.update(_snapshot(built.config))
    app.config["UPLOAD_DIR"] = str(upload_dir)
    upload_dir.mkdir(parents=True, exist_ok=True)
    # Extensions as built: what tests subscribed or cached since then is dropped.
    app.extensions.clear()
    app.extensions.update(built.extensions)
    app.extensions["civic_events"] = copy.deepcopy(built.extensions["civic_events"])
    with app.app_context():
        _db.session.remove()
        if built.database_file is not None and built.template is not None:
            _db.engine.dispose()
            _replace_file(built.template, built.database_file)
        else:
            _empty_tables()
            if built.prepare is not None:
                built.prepare()
                _db.session.remove()
    # The limiter is one object bound to the app built last: bind it to this one, with an empty store.
    limiter.init_app(app)
    # Per-process caches of database figures.
    stats = sys.modules.get("civic.stats.service")
    if stats is not None and hasattr(stats, "_cache"):
        stats._cache.clear()


def _replace_file(template: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    fresh = target.with_suffix(".new")
    shutil.copyfile(template, fresh)
    os.replace(fresh, target)  # a new file: a connection left open elsewhere keeps the old one


def _empty_tables():
    """Empty every table that holds rows (or has used its id sequence)."""
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    if not tables:
        return
    if _db.engine.dialect.name == "postgresql":
        probe = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables)
        with _db.engine.begin() as conn:
            filled = set(conn.scalars(text(probe)))
            filled.update(conn.scalars(text(
                "SELECT c.relname FROM pg_sequences s JOIN pg_depend d ON d.objid = "
                "(quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass "
                "JOIN pg_class c ON c.oid = d.refobjid WHERE s.last_value IS NOT NULL "
                "AND s.schemaname = current_schema()")))
            filled &= set(tables)
            if filled:
                quoted = ", ".join(f'"{name}"' for name in sorted(filled))
                conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        with _db.engine.begin() as conn:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture(scope="session")
def session_dir(request) -> Path:
    return _session_dir(request.config)


@pytest.fixture
def app(request, app_config, tmp_path, session_dir):
    if request.node.get_closest_marker("fresh_app") or not _reusable(app_config, tmp_path):
        yield from _fresh_app(app_config)
        return
    app = app_for_test(app_config, tmp_path, session_dir)
    with app.app_context():
        try:
            yield app
        finally:
            _db.session.remove()
            end_test(app)


def end_test(app: Flask) -> None:
    """PostgreSQL: leave the tables empty for tests that build an app of their own on the run's
    database (SQLite tests use their own files)."""
    if TEST_DATABASE_URL:
        with app.app_context():
            _db.session.remove()
            _empty_tables()


def _fresh_app(config: dict):
    app = create_app(config)
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


# --- shared helpers ----------------------------------------------------------------------------

def pytest_collection_finish(session):
    """Apps built while collecting (to list routes for parametrization) must not start a job pool:
    nothing would stop it, and it would poll their empty database for the whole run."""
    from civic import jobs

    if jobs.live_pools():
        raise pytest.UsageError("a job pool started while collecting tests: build such apps with JOBS_INLINE=True")


@pytest.fixture(autouse=True)
def no_job_pool_outlives_its_test():
    """A job pool is a set of threads started by a request when the backend is ``pool``. One left
    running polls a database its test has since removed, and formats a traceback each time;
    on CPython 3.11 formatting a traceback parses source with ``ast`` in that thread, which
    corrupts the ``ast`` module's recursion counter for other threads (SystemError "AST
    constructor recursion depth mismatch" in an unrelated test). Stop whatever a test started."""
    from civic import jobs

    before = set(jobs.live_pools())
    yield
    for pool in set(jobs.live_pools()) - before:
        # The app's extensions may have been reset since (apps are reused): stop the pool itself too.
        jobs.stop_pool(pool.app)
        pool.stop(timeout=30)


@pytest.fixture(autouse=True)
def fast_password_hashing(request, monkeypatch):
    """scrypt makes each account cost a noticeable moment; tests create many accounts and do
    not test hashing, so they get a cheap (still verifiable) hash. A test of the hash itself
    asks for ``@pytest.mark.real_password_hashing``."""
    if request.node.get_closest_marker("real_password_hashing"):
        return
    from werkzeug.security import generate_password_hash

    from civic.accounts import service as accounts_service

    monkeypatch.setattr(accounts_service, "generate_password_hash",
                        lambda password, method=None: generate_password_hash(password, "pbkdf2:sha256:1"))


@pytest.fixture(scope="session")
def _loopback_push_service():
    from tests.webpush.pushservice import LoopbackPushService

    with LoopbackPushService(slow_seconds=2.0) as service:
        yield service


@pytest.fixture
def push_service(_loopback_push_service):
    """The loopback Web Push service (tests/webpush/pushservice.py): one server per run, with no
    devices and no errors at the start of each test."""
    _loopback_push_service.reset()
    yield _loopback_push_service
    _loopback_push_service.release.set()  # let "hang" devices answer before the next test


def wait_for(condition: Callable[[], object], timeout_s: float = 20.0, interval_s: float = 0.05,
             message: str = "timed out") -> None:
    """Poll ``condition`` until it is true (work that finishes on another thread or process)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(interval_s)


@pytest.fixture(scope="session")
def _loopback_mailbox():
    from tests.smtp import Mailbox

    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def mailbox(_loopback_mailbox):
    """A real SMTP server on loopback (aiosmtpd); point ``app_config["MAIL_URL"]`` at
    ``mailbox.url`` (tests/mail does it for every test). One server per run, emptied for each
    test: its address stays the same, so the apps built per configuration are reused instead of
    one app (and one database connection pool) per test."""
    _loopback_mailbox.reset()
    yield _loopback_mailbox
    _loopback_mailbox.reset()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, email: str, password: str = "correct horse battery"):
    return client.post("/login", data={"email": email, "password": password})


def database_url_for(name: str) -> str:
    """A separate, empty database next to the test database (for migration tests)."""
    base = TEST_DATABASE_URL
    assert base, "database_url_for needs TEST_DATABASE_URL"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)
