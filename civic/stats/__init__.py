"""Open accountability dashboard (열린 민원 통계): how fast each department answers.

Counters per day are kept up to date from the domain events of petitions, reports, proposals
and votes (``tracking.py``, in the same transaction; ``keys.py`` defines every counter once);
the page and the API read only those aggregates. ``flask stats rebuild`` recounts them from the
features' snapshots, ``flask stats check`` compares without writing. Statistics import no other
feature's models: a feature that is not installed simply has no events and no snapshot.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.api import register_api
    from civic.stats import api, cli, models, tracking, views  # noqa: F401 (models: the tables)

    tracking.subscribe(app)
    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.stats_cli)
