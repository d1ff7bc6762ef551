"""The committed migrations build the schema the models describe, on every engine."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from civic import create_app
from civic.extensions import db
from tests.conftest import TEST_DATABASE_URL, database_url_for, make_config


def test_migrations_match_the_models(tmp_path):
    if TEST_DATABASE_URL:
        url = database_url_for(TEST_DATABASE_URL.rsplit("/", 1)[-1] + "_migrations")
    else:
        url = f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    assert diff == []
