"""``flask backup``: a consistent copy of the embedded SQLite database while it is in use.

PostgreSQL deployments back up with the database's own tools (README, "Backups").
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


def backup_sqlite(destination: Path | None = None) -> Path:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "flask backup copies the embedded SQLite database; for PostgreSQL use pg_dump (see README).")
    if destination is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        destination = Path(current_app.instance_path) / "backups" / f"civic-{stamp}.db"
    destination.parent.mkdir(parents=True, exist_ok=True)
    # SQLite's online backup API copies a consistent snapshot even with WAL and live writers.
    source = sqlite3.connect(url.database)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return destination


@click.command("backup")
@click.argument("destination", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(destination):
    """Copy the SQLite database to DESTINATION (default instance/backups/civic-<time>.db)."""
    click.echo(str(backup_sqlite(destination)))
