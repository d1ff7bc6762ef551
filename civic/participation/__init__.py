"""Participation: policy polls and citizen proposals with a support threshold and official
responses (docs/participation.md)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.api import register_api
    from civic.participation import api, cli, staff_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    register_api(app, api.bp)
    from civic.accounts.service import register_deletion_hook
    from civic.participation.service import forget_user

    register_deletion_hook(app, forget_user)
    register_api(app, api.staff_bp)
    app.cli.add_command(cli.participation_cli)

    from civic import events
    from civic.participation import facts

    events.provide_snapshot(app, events.ProposalFacts, facts.proposal_snapshot)
    events.provide_snapshot(app, events.VoteFacts, facts.vote_snapshot)
