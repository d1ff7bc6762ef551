"""Open accountability dashboard (열린 민원 통계): how fast each department answers.

Counters per day are kept up to date as petitions, reports, proposals and votes change
(``tracking.py``, in the same transaction); the page and the API read only those aggregates.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.api import register_api
    from civic.extensions import db
    from civic.stats import api, cli, models, tracking, views  # noqa: F401 (models: the tables)

    tracking.install(db.session.__class__)
    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.stats_cli)
