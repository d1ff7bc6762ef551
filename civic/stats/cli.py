import click
from flask.cli import AppGroup

stats_cli = AppGroup("stats", help="Open statistics.")


@stats_cli.command("rebuild")
def rebuild_command():
    """Recount every statistics aggregate from the tables (after a bulk import or the first upgrade). Set-based
    and in one transaction; on PostgreSQL it holds the statistics lock, so it can run while the site is live."""
    from civic.stats.rebuild import rebuild

    counts = rebuild()
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
