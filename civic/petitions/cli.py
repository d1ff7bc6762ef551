from __future__ import annotations

import click
from flask.cli import AppGroup

petitions_cli = AppGroup("petitions", help="Civil petitions.")


@petitions_cli.command("remind")
@click.option("--enqueue", is_flag=True, help="Run through the job queue (RQ when REDIS_URL is set).")
def remind(enqueue):
    """Notify handling staff of overdue petitions and those due within a day (run daily)."""
    from civic.petitions.workload import send_reminders

    if enqueue:
        from civic.jobs import enqueue as enqueue_job

        handle = enqueue_job(send_reminders, queue="default")
        click.echo(f"reminders sent to {handle.result} staff" if handle.inline else f"enqueued job {handle.id}")
        return
    click.echo(f"reminders sent to {send_reminders()} staff")
