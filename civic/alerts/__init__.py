"""Disaster alerts (Seoul Safety Guardian): push subscriptions, officer workflow, fan-out, CAP 1.2.

``init_app`` also registers Web Push as a channel of ``civic.notifications`` so a signed-in
user's subscriptions receive their petition and report notifications too.
"""

from __future__ import annotations

import os

from flask import Flask

DEFAULT_PUSH_SERVICES = " ".join((
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://*.push.services.mozilla.com",
    "https://web.push.apple.com",
    "https://*.push.apple.com",
    "https://*.notify.windows.com",
))

DEFAULTS = {
    "VAPID_PRIVATE_KEY": "",
    "VAPID_PUBLIC_KEY": "",
    "VAPID_SUBJECT": "mailto:safety-alerts@example.org",
    "PUSH_SERVICE_ALLOWLIST": DEFAULT_PUSH_SERVICES,
    "PUSH_BATCH_SIZE": "500",
    "PUSH_CONCURRENCY": "64",
    "PUSH_TIMEOUT_S": "10",
    "PUSH_MAX_ATTEMPTS": "4",
    "PUSH_RETRY_BASE_S": "1",
    "PUSH_RETRY_MAX_DELAY_S": "60",
    "PUSH_QUEUE": "alerts",
    "PUSH_CLAIM_LEASE_S": "600",
    "ALERTS_CAP_SENDER": "safety-alerts@example.org",
    "ALERTS_DEFAULT_EXPIRY_MIN": "360",
    "ALERTS_BANNER_CACHE_S": "15",
}


def init_app(app: Flask) -> None:
    from civic.alerts import api, cli, keys, views
    from civic.alerts.push_channel import push_notification
    from civic.api import register_api
    from civic.notifications.service import register_channel

    for name, default in DEFAULTS.items():
        app.config.setdefault(name, os.environ.get(name, default))
    keys.configure_keys(app)
    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    from civic.accounts.service import register_deletion_hook
    from civic.alerts.subscriptions import forget_user

    register_deletion_hook(forget_user)
    app.cli.add_command(cli.alerts_cli)
    register_channel(push_notification)
