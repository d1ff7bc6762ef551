from civic import create_app
from civic.config import normalize_database_url


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "inst"
    first = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"INSTANCE_PATH": str(instance), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    key_file = instance / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    other = create_app({"INSTANCE_PATH": str(tmp_path / "other"), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()


def test_embedded_default_is_sqlite_in_instance_with_the_job_pool(tmp_path, monkeypatch):
    from civic import jobs

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("JOBS_BACKEND", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'civic.db'}"
    assert app.config["JOBS_INLINE"] is False  # no fan-out inside a web request
    with app.app_context():
        assert jobs.backend() == "pool"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "ko"


def test_scale_out_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/civic")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/civic"
    assert app.config["JOBS_INLINE"] is False
    with app.app_context():
        from civic import jobs

        assert jobs.backend() == "rq"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def test_normalize_database_url_leaves_others_alone():
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert normalize_database_url("postgresql://a/b") == "postgresql+psycopg://a/b"


def test_sqlite_runs_in_wal_mode(app, db):
    import pytest
    from sqlalchemy import text

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_secret_key_is_the_same_for_processes_that_start_together(tmp_path):
    """Web and job workers starting at once on a new instance folder must agree on one key (a
    second key would sign sessions the others reject)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from civic.config import instance_secret

    def starting_worker(instance, start):
        start.wait()
        return instance_secret(instance, "secret_key")

    for attempt in range(40):
        instance = tmp_path / f"inst{attempt}"
        start = threading.Barrier(8)
        with ThreadPoolExecutor(8) as pool:
            keys = [f.result() for f in [pool.submit(starting_worker, instance, start) for _ in range(8)]]
        assert len(set(keys)) == 1 and keys[0] == (instance / "secret_key").read_text()
        assert len(keys[0]) >= 40
        assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no candidate left behind
