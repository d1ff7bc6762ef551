"""``flask alerts …`` for operators and automation."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from civic import jobs
from civic.accounts.service import find_user_by_email
from civic.alerts import fanout, service
from civic.alerts.models import ALERT_TYPES, LEVELS
from civic.errors import DomainError


@click.group("alerts")
def alerts_cli():
    """Safety alerts."""


def _officer(email: str | None, what: str):
    user = find_user_by_email(email) if email else None
    if user is None:
        raise click.UsageError(f"{what}: no account {email!r} "
                               "(create one with: flask users create EMAIL --role alert_officer)")
    return user


@alerts_cli.command("send")
@click.option("--type", "type_", type=click.Choice(ALERT_TYPES), required=True)
@click.option("--level", type=click.Choice(LEVELS), required=True)
@click.option("--district", "districts", multiple=True, required=True, help="5-digit district code; repeatable")
@click.option("--headline", required=True)
@click.option("--body", required=True)
@click.option("--instruction", default="")
@click.option("--expires-in", "expires_in", type=int, default=None, help="minutes until expiry")
@click.option("--officer", default=None, help="e-mail of the sending alert officer (recorded in the audit log)")
@click.option("--approver", default=None, help="e-mail of a second alert officer (required for emergency)")
@with_appcontext
def send_command(type_, level, districts, headline, body, instruction, expires_in, officer, approver):
    """Send an alert now; prints its id as the last line.

    On the embedded default (the job pool) the fan-out runs here, in the foreground, with a
    progress line, from the durable job table: interrupted, the web process's pool finishes it.
    With Redis the RQ workers send it and the command returns at once."""
    data = {"type": type_, "level": level, "districts": list(districts), "headline_ko": headline,
            "body_ko": body, "instruction_ko": instruction,
            "expires_in_min": expires_in if expires_in is not None else current_app.config["ALERTS_DEFAULT_EXPIRY_MIN"]}
    try:
        alert = service.send_as_operator(data, _officer(officer, "--officer") if officer else None,
                                         _officer(approver, "--approver") if approver else None)
        mode = jobs.backend()
        if mode == "pool":
            _follow(alert.id)
        if mode == "rq":
            click.echo("fan-out queued on the workers")
        else:
            counts = fanout.progress(alert)
            click.echo(f"delivered: {counts['sent']} sent, {counts['failed']} failed, {counts['gone']} gone")
    except DomainError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
        raise click.ClickException(f"{exc.detail} {details}".strip()) from exc
    click.echo(alert.id)


def _follow(alert_id: int) -> None:
    """Run the job pool in this process until the alert's fan-out is over, printing progress."""
    from civic.alerts.models import Alert
    from civic.extensions import db

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types the proxy as Flask
    pool = jobs.start_pool(app, threads=max(1, int(app.config["JOBS_POOL_THREADS"])))
    try:
        while True:
            db.session.expire_all()
            alert = db.session.get(Alert, alert_id)
            if alert is None:
                return
            counts = fanout.progress(alert)
            done = counts["sent"] + counts["failed"] + counts["gone"]
            click.echo(f"\rsending: {done}/{alert.audience or counts['total']} "
                       f"({counts['sent']} sent, {counts['failed']} failed, {counts['gone']} gone)", nl=False, err=True)
            db.session.rollback()
            if alert.status != "sending":
                click.echo("", err=True)
                return
            time.sleep(0.5)
    finally:
        jobs.stop_pool(app)
        del pool


@alerts_cli.command("resume")
@click.argument("alert_id", type=int)
@click.option("--officer", envvar="ALERTS_OFFICER", required=True)
@with_appcontext
def resume_command(alert_id, officer):
    """Re-enqueue what is still open of an alert's fan-out (after a worker crash)."""
    user = _officer(officer, "--officer")
    try:
        batches = service.resume(user, service.staff_get(user, alert_id))
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc
    click.echo(f"{batches} batch(es) enqueued")


@alerts_cli.command("resume-stalled")
@click.option("--older-than", "older_than", type=int, default=10, show_default=True,
              help="minutes since sending started")
@with_appcontext
def resume_stalled_command(older_than):
    """Re-enqueue every alert still sending after MINUTES (e.g. from cron after a worker crash)."""
    from datetime import timedelta

    stalled = fanout.resume_stalled(timedelta(minutes=older_than))
    click.echo(f"resumed {len(stalled)} alert(s): {', '.join(map(str, stalled)) or '-'}")


@alerts_cli.command("ingest")
@click.argument("url", required=False)
@click.option("--format", "fmt", type=click.Choice(["safetydata", "disastermsg", "cap"]),
              help="the source's format (required with URL)")
@click.option("--force", is_flag=True, help="ignore the backoff and the ETag/Last-Modified of the last poll")
@with_appcontext
def ingest_command(url, fmt, force):
    """Relay national disaster messages: poll URL once (or, without URL, every source in
    ALERTS_INGEST_SOURCES, as cron does on the embedded default) and print what was created,
    updated, cancelled and skipped. Exits 1 when a source failed."""
    from civic.alerts import ingest

    if url and not fmt:
        raise click.UsageError("--format is required with a URL (safetydata, disastermsg or cap)")
    if url:
        reports = [ingest.poll(url, fmt, force=force)]
    else:
        if not current_app.config["ALERTS_INGEST_SOURCES"]:
            raise click.UsageError("give URL and --format, or set ALERTS_INGEST_SOURCES")
        reports = ingest.poll_configured(force=force)
    for report in reports:
        click.echo(report.summary())
        for line in report.refused:
            click.echo(f"  refused {line}")
        for label, ids in (("created", report.created), ("updated", report.updated),
                           ("cancelled", report.cancelled), ("held for approval", report.held)):
            if ids:
                click.echo(f"  {label}: alert {', '.join(map(str, ids))}")
    if any(not r.ok for r in reports):
        raise SystemExit(1)


@alerts_cli.command("ingest-schedule")
@with_appcontext
def ingest_schedule_command():
    """Start (or join) the RQ scheduled poll of ALERTS_INGEST_SOURCES every ALERTS_INGEST_INTERVAL_S
    (with Redis; run once per release, it is idempotent). On the embedded default use cron."""
    from civic.alerts import ingest

    if current_app.config["JOBS_INLINE"]:
        raise click.ClickException("no Redis (REDIS_URL): schedule `flask alerts ingest` with cron instead")
    job_id = ingest.schedule_next()
    click.echo(f"scheduled {job_id}" if job_id else "ALERTS_INGEST_SOURCES is empty: nothing to poll")
