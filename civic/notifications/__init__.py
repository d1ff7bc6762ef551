"""In-app notifications every feature reuses (report updates, petition answers, …).

``notify`` writes the in-app notification inside the caller's unit of work and states
``NotificationCreated``; delivery channels subscribe to it after commit: Web Push to the devices
the account linked (``devices.py``, ``push.py``).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic import events
    from civic.accounts.service import register_deletion_hook
    from civic.api import register_api
    from civic.notifications import api, cli, devices, preferences, views
    from civic.notifications.push import on_notification_created

    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.notifications_cli)
    register_deletion_hook(app, devices.forget_user)
    register_deletion_hook(app, preferences.forget_user)
    events.subscribe(app, events.NotificationCreated, on_notification_created, after_commit=True,
                     queue=app.config["PUSH_QUEUE"])
