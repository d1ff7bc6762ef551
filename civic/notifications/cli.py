import click
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Personal updates by Web Push.")


@notifications_cli.command("push-due")
@click.option("--limit", default=1000, show_default=True, help="Deliveries to send in this run.")
def push_due(limit):
    """Send personal updates held back by quiet hours or left by a dead job (cron, every few minutes)."""
    from civic.notifications.push import send_due

    counts = send_due(limit=limit)
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
