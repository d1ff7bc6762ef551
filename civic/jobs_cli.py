"""``flask jobs …``: the embedded job pool from the command line."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from civic import jobs
from civic.extensions import db


@click.group("jobs")
def jobs_cli():
    """Background jobs (the embedded pool's durable table)."""


@jobs_cli.command("work")
@click.option("--threads", type=int, default=None, help="pool threads (default: JOBS_POOL_THREADS)")
@with_appcontext
def work_command(threads):
    """Run the job pool in the foreground until interrupted (what a web process does in the
    background; useful when the web runs elsewhere or to drain the table by hand)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types the proxy as Flask
    if jobs.backend() != "pool":
        raise click.ClickException(f"JOBS_BACKEND is {jobs.backend()}, not pool")
    pool = jobs.start_pool(app, threads=threads or max(1, int(app.config["JOBS_POOL_THREADS"])))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    click.echo(f"job pool working ({pool.threads if pool else 0} threads); Ctrl-C stops", err=True)
    stop.wait()
    jobs.stop_pool(app)


@jobs_cli.command("status")
@with_appcontext
def status_command():
    """Jobs in the table by state."""
    with db.engine.begin() as conn:
        counts = dict(conn.execute(select(jobs.Job.state, func.count()).group_by(jobs.Job.state)).all())
    click.echo(" ".join(f"{state}={counts.get(state, 0)}" for state in ("queued", "running", "done", "failed")))
