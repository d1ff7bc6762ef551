"""The ``/api/v1`` face: blueprint factory, authentication rules, pagination.

Every feature's ``api.py`` builds its blueprint with ``make_blueprint`` and registers it with
``register_api``; flask-smorest then describes it in ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_smorest import Blueprint

from civic.extensions import api, csrf

API_PREFIX = "/api/v1"


def make_blueprint(name: str, import_name: str, url_prefix: str = "", **kwargs) -> Blueprint:
    return Blueprint(name, import_name, url_prefix=API_PREFIX + url_prefix, **kwargs)


def register_api(app: Flask, blueprint: Blueprint) -> None:
    # Bearer-token clients cannot be forged cross-site, so the blueprint is exempt from the
    # form CSRF check; cookie-authenticated writes are checked in ``_csrf_for_cookie_auth``.
    csrf.exempt(blueprint)
    api.register_blueprint(blueprint)


def _csrf_for_cookie_auth():
    if not request.path.startswith(API_PREFIX + "/"):
        return
    if request.method in {"GET", "HEAD", "OPTIONS"} or request.headers.get("Authorization"):
        return
    if session.get("uid") is not None and current_app.config["WTF_CSRF_ENABLED"]:
        # Pages calling the API with the session cookie send the token as X-CSRFToken.
        csrf.protect()


def init_api(app: Flask) -> None:
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "flask users token EMAIL"}
    )
    app.before_request(_csrf_for_cookie_auth)
    from civic.api.docs import bp as docs_bp

    app.register_blueprint(docs_bp)
