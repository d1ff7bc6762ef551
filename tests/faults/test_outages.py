"""Real outages: the database and Redis become unreachable while the app runs."""

import pytest
from sqlalchemy.engine import make_url

from civic import create_app, jobs
from civic.accounts.consent import CURRENT_VERSION
from civic.accounts.models import User
from civic.db import unit_of_work
from civic.errors import PROBLEM_JSON
from civic.extensions import db
from tests.conftest import TEST_DATABASE_URL, FreshContextClient, make_config
from tests.faults.tcp_proxy import TcpProxy
from tests.jobs_fixture import write_audit_entry

CONSENT = {"privacy_consent": "y", "consent_version": CURRENT_VERSION}


@pytest.fixture
def pg_through_proxy(tmp_path):
    if not TEST_DATABASE_URL:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite has no connection to lose")
    url = make_url(TEST_DATABASE_URL)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=proxied))
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app, proxy
        db.session.remove()
        db.engine.dispose()
        from tests.conftest import _empty_tables

        _empty_tables()
        db.engine.dispose()
        proxy.cut()


def test_database_outage_is_a_clear_503_and_recovers_without_restart(pg_through_proxy):
    app, proxy = pg_through_proxy
    client = app.test_client()
    assert client.get("/api/v1/departments").status_code == 200

    proxy.cut()
    api = client.get("/api/v1/departments")
    assert api.status_code == 503 and api.mimetype == PROBLEM_JSON
    assert api.headers["Retry-After"]
    page = client.post("/register", data={"email": "a@example.org", "password": "a long password", **CONSENT})
    assert page.status_code == 503 and page.mimetype == "text/html"
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["database"].startswith("error")

    proxy.restore()
    assert client.get("/api/v1/departments").status_code == 200
    assert client.get("/healthz").status_code == 200
    created = client.post("/register", data={"email": "a@example.org", "password": "a long password", **CONSENT})
    assert created.status_code == 200  # "check your e-mail"


def test_a_connection_lost_mid_transaction_leaves_nothing_half_written(pg_through_proxy):
    app, proxy = pg_through_proxy
    with pytest.raises(Exception):  # noqa: B017 - the driver's error type is what it is
        with unit_of_work():
            db.session.add(User(email="half@example.org", display_name="", role="citizen"))
            db.session.flush()
            proxy.cut()
    proxy.restore()
    db.session.remove()
    assert db.session.query(User).filter_by(email="half@example.org").count() == 0


def test_rate_limits_fail_open_when_redis_is_down(tmp_path):
    app = create_app(make_config(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
                                 LOGIN_RATE_LIMIT="1/minute",
                                 SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'r.db'}"))
    with app.app_context():
        db.create_all()
        client = app.test_client()
        codes = [client.post("/login", data={"email": "x@example.org", "password": "wrong password"}).status_code
                 for _ in range(3)]
        db.engine.dispose()
    assert codes == [422, 422, 422]   # documented: writes stay possible, limits are skipped


def test_jobs_fail_loudly_when_redis_is_down(tmp_path):
    app = create_app(make_config(tmp_path, JOBS_INLINE=False, REDIS_URL="redis://127.0.0.1:1/0",
                                 SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'j.db'}"))

    @app.route("/api/v1/test-enqueue", methods=["POST"])
    def enqueue_route():
        jobs.enqueue(write_audit_entry, "x", "1")
        return {"ok": True}

    with app.app_context():
        db.create_all()
        response = app.test_client().post("/api/v1/test-enqueue")
        db.engine.dispose()
    assert response.status_code == 503 and response.mimetype == PROBLEM_JSON
