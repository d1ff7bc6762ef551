"""Community mapping: geo-located reports with photos, themed maps, routing to departments,
and the Open311 GeoReport v2 face."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.api import register_api
    from civic.errors import register_error_format
    from civic.extensions import csrf
    from civic.reports import api, cli, map_views, open311, staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(map_views.bp)
    app.register_blueprint(staff_views.bp)
    csrf.exempt(open311.bp)             # machine clients authenticate with api_key
    app.register_blueprint(open311.bp)
    register_error_format(app, "/open311/", open311.error_response)
    register_api(app, api.bp)
    register_api(app, api.staff_bp)
    from civic.accounts.service import register_deletion_hook
    from civic.reports.service import forget_user

    register_deletion_hook(app, forget_user)
    app.cli.add_command(cli.reports_cli)

    from civic import events
    from civic.reports import facts

    events.provide_snapshot(app, events.ReportFacts, facts.snapshot)
