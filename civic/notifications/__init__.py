"""In-app notifications every feature reuses (report updates, petition answers, …).

``notify`` writes the in-app notification inside the caller's unit of work and, after commit,
hands it to the registered delivery channels (Web Push, once the alerts feature installs it).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.notifications import views

    app.register_blueprint(views.bp)
