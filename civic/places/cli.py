"""``flask places import FILE --kind KIND`` and ``flask places kinds``."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from civic.places.readers import ImportFailed

places_cli = click.Group("places", help="Public facilities: import open data, refresh stored properties.")


def _parse_map(pairs: tuple[str, ...]) -> dict[str, str]:
    from civic.places.mappings import GEOJSON_FIELDS

    mapping = {}
    for pair in pairs:
        field, _, prop = pair.partition("=")
        if field not in GEOJSON_FIELDS or not prop:
            raise click.BadParameter(f"expected FIELD=PROPERTY with FIELD one of {', '.join(GEOJSON_FIELDS)}",
                                     param_hint="--map")
        mapping[field] = prop
    return mapping


@places_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", required=True, help="Category of the places in the file (toilet, pharmacy, ...).")
@click.option("--map", "pairs", multiple=True, metavar="FIELD=PROPERTY",
              help="GeoJSON only: which property holds id, name, address, phone or hours.")
@click.option("--data-date", default=None, metavar="YYYY-MM[-DD]",
              help="When the file's data was current (shown with the source), for rows that do not say.")
@with_appcontext
def import_command(path: str, kind: str, pairs: tuple[str, ...], data_date: str | None):
    """Import an open-data file (CSV in UTF-8 or CP949, JSON, XML or GeoJSON). Safe to repeat."""
    from civic.places.importer import import_file

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total < 2000:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="importing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        summary = import_file(path, kind, property_map=_parse_map(pairs), progress=progress, data_date=data_date)
    except ImportFailed as exc:
        raise click.ClickException(f"{exc.detail} Nothing was imported.") from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for line in summary.lines():
        click.echo(line)


@places_cli.command("kinds")
@with_appcontext
def kinds_command():
    """List the kinds and the file formats each one accepts."""
    from civic.places.importer import formats_for, known_kinds

    for kind in known_kinds():
        formats = formats_for(kind)
        click.echo(f"{kind}: " + "; ".join([f.description for f in formats] + ["GeoJSON points (--map)"]))


@places_cli.command("refresh-properties")
@with_appcontext
def refresh_properties_command():
    """Rewrite the stored GeoJSON properties of every place written by an older version of the code
    (run in the release phase; does nothing when all rows are current)."""
    from civic.places.properties import refresh_stale

    click.echo(f"refreshed {refresh_stale()} place(s)")
