"""In-app notifications every feature reuses (report updates, petition answers, …).

``notify`` writes the in-app notification inside the caller's unit of work and, after commit,
hands it to the registered delivery channels: Web Push to the devices the account linked
(``devices.py``, ``push.py``).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.accounts.service import register_deletion_hook
    from civic.api import register_api
    from civic.notifications import api, cli, devices, preferences, views
    from civic.notifications.push import push_channel
    from civic.notifications.service import register_channel

    app.register_blueprint(views.bp)
    register_api(app, api.bp)
    app.cli.add_command(cli.notifications_cli)
    register_deletion_hook(devices.forget_user)
    register_deletion_hook(preferences.forget_user)
    register_channel(push_channel)
