"""Migrations go up to head, down to base (leaving no table behind) and up again."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from civic import create_app
from civic.extensions import db
from tests.conftest import TEST_DATABASE_URL, database_url_for, make_config


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version", "spatial_ref_sys"}


def test_upgrade_downgrade_upgrade(tmp_path):
    if TEST_DATABASE_URL:
        url = database_url_for(TEST_DATABASE_URL.rsplit("/", 1)[-1] + "_roundtrip")
    else:
        url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade()
        head_tables = _tables()
        assert head_tables >= {t.name for t in db.metadata.sorted_tables}
        downgrade(revision="base")
        assert _tables() == set()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                enums = conn.execute(text("SELECT typname FROM pg_type WHERE typtype = 'e'")).scalars().all()
            assert enums == [], f"enum types left behind by the downgrade: {enums}"
        upgrade()
        assert _tables() == head_tables
        db.engine.dispose()
