"""``flask alerts …`` for operators and automation."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

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

    Without Redis it returns after the fan-out has finished (retries included)."""
    data = {"type": type_, "level": level, "districts": list(districts), "headline_ko": headline,
            "body_ko": body, "instruction_ko": instruction,
            "expires_in_min": expires_in if expires_in is not None else current_app.config["ALERTS_DEFAULT_EXPIRY_MIN"]}
    try:
        alert = service.send_as_operator(data, _officer(officer, "--officer") if officer else None,
                                         _officer(approver, "--approver") if approver else None)
        if current_app.config["JOBS_INLINE"]:
            counts = fanout.progress(alert)
            click.echo(f"delivered: {counts['sent']} sent, {counts['failed']} failed, {counts['gone']} gone")
        else:
            click.echo("fan-out queued on the workers")
    except DomainError as exc:
        details = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
        raise click.ClickException(f"{exc.detail} {details}".strip()) from exc
    click.echo(alert.id)


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
