"""Disaster alerts (Seoul Safety Guardian): push subscriptions, officer workflow, fan-out, CAP 1.2.

``init_app`` also registers Web Push as a channel of ``civic.notifications`` so a signed-in
user's subscriptions receive their petition and report notifications too.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.alerts import api, cli, keys, views
    from civic.alerts.push_channel import push_notification
    from civic.api import register_api
    from civic.notifications.service import register_channel

    keys.configure_keys(app)
    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    from civic.accounts.service import register_deletion_hook
    from civic.alerts.subscriptions import forget_user

    register_deletion_hook(forget_user)
    app.cli.add_command(cli.alerts_cli)
    register_channel(push_notification)
