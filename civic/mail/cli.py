import click
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="E-mail: send due mail, digests, a test message.")


@mail_cli.command("send-due")
@click.option("--limit", default=500, show_default=True, help="Mails to send in this run.")
def send_due(limit):
    """Send mail held back by quiet hours, waiting for a retry, or left by a dead worker (cron,
    every few minutes, in the embedded default; RQ schedules them itself with Redis)."""
    from civic.mail.outbox import send_due as run

    counts = run(limit=limit)
    click.echo(" ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "nothing due")


@mail_cli.command("digests")
@click.option("--period", type=click.Choice(["daily", "weekly"]), required=True)
def digests(period):
    """Mail the daily or weekly digests (cron: daily at 08:00, weekly on Monday at 08:00)."""
    from civic.mail.update_mail import send_digests

    click.echo(f"{send_digests(period)} digest(s) queued")


@mail_cli.command("status")
def status():
    """Mail in the outbox by state."""
    from sqlalchemy import func, select

    from civic.extensions import db
    from civic.mail.models import OutboxMessage

    for state, count in db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)):
        click.echo(f"{state}: {count}")
