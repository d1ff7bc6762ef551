"""The staff console: one page that links every feature's staff pages. The rules stay in each
feature's service; this package only has views."""

from flask import Flask


def init_app(app: Flask) -> None:
    from civic.staff import views

    app.register_blueprint(views.bp)
