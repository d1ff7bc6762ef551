import click
from flask.cli import AppGroup

stats_cli = AppGroup("stats", help="Open statistics.")


@stats_cli.command("rebuild")
def rebuild_command():
    """Recount every statistics aggregate from the tables (after a bulk import or the first upgrade; run it
    while nothing else writes, since events during the recount may be counted twice)."""
    from civic.stats.rebuild import rebuild

    counts = rebuild()
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
