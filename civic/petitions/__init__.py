"""Mobile civil petitions (민원): filing, receipt numbers, routing, legal deadlines, staff
triage, transfers, answers and the audit trail."""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.api import register_api
    from civic.petitions import api, cli, staff_views, template_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    app.register_blueprint(template_views.bp)
    from civic.accounts.service import register_deletion_hook
    from civic.petitions.service import forget_user

    register_deletion_hook(app, forget_user)
    register_api(app, api.bp)
    register_api(app, api.staff_bp)
    app.cli.add_command(cli.petitions_cli)

    from civic import events
    from civic.petitions import facts

    events.provide_snapshot(app, events.PetitionFacts, facts.snapshot)
