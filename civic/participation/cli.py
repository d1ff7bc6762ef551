from __future__ import annotations

import click
from flask.cli import AppGroup

from civic.participation import service

participation_cli = AppGroup("participation", help="Polls and proposals.")


@participation_cli.command("expire")
@click.option("--queue", "use_queue", is_flag=True,
              help="Hand the work to the job queue (RQ when REDIS_URL is set) instead of running it here.")
def expire(use_queue):
    """Expire published proposals whose support period ended below the threshold (run from cron)."""
    if use_queue:
        from civic.jobs import enqueue

        handle = enqueue(service.expire_proposals, queue="default", retries=2)
        if handle.inline:
            click.echo(f"expired {handle.result} proposal(s)")
        else:
            click.echo(f"enqueued job {handle.id}")
        return
    click.echo(f"expired {service.expire_proposals()} proposal(s)")
