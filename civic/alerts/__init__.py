"""Disaster alerts (Seoul Safety Guardian): push subscriptions, officer workflow, fan-out, CAP 1.2.

Personal updates (petitions, reports) go to the devices an account links, in
``civic.notifications``; alert subscriptions stay anonymous.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.alerts import api, cli, views
    from civic.api import register_api

    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    from civic.accounts.service import register_deletion_hook
    from civic.alerts.subscriptions import forget_user

    register_deletion_hook(app, forget_user)
    app.cli.add_command(cli.alerts_cli)
