import click
from flask.cli import AppGroup

stats_cli = AppGroup("stats", help="Open statistics.")


@stats_cli.command("rebuild")
def rebuild_command():
    """Recount every statistics aggregate from the tables (after a bulk import or the first upgrade), with the
    key functions the event handlers use. On PostgreSQL it holds the statistics lock, so writers wait and it
    can run while the site is live."""
    from civic.stats.rebuild import rebuild

    counts = rebuild()
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))


@stats_cli.command("check")
def check_command():
    """Recount every aggregate from the tables and print where the stored counters differ; writes nothing.
    Exits with status 1 when anything differs (fix with `flask stats rebuild`)."""
    from civic.stats.check import check

    differences = check()
    for difference in differences:
        click.echo(str(difference))
    if differences:
        click.echo(f"{len(differences)} difference(s); `flask stats rebuild` recounts them.", err=True)
        raise SystemExit(1)
    click.echo("statistics match the tables")
