"""Site-wide pages and endpoints: home, language switch, manifest, service worker, health."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, send_file, session
from flask_babel import get_locale
from sqlalchemy import text

from civic.accounts.auth import safe_next
from civic.extensions import db
from civic.geo import district_name, place_name

bp = Blueprint("site", __name__)

MOBILE_WEB = Path(__file__).resolve().parent.parent / "mobile_web"


@bp.app_context_processor
def _site_helpers():
    return {"district_name": district_name, "place_name": place_name}


@bp.route("/")
def home():
    return render_template("home.html")


@bp.route("/lang/<code>", methods=["GET", "POST"])
def set_language(code: str):
    """Works without JavaScript: a plain link switches the language and comes back."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        user = g.get("user")
        if user is not None and user.locale != code:
            from civic.accounts.service import set_locale

            set_locale(user, code)
    return redirect(safe_next(request.values.get("next")))


@bp.route("/display/<mode>", methods=["GET", "POST"])
def set_display(mode: str):
    """Large text / simple display, remembered on this device (a cookie, no account needed)."""
    response = redirect(safe_next(request.values.get("next")))
    if mode in ("large", "normal"):
        response.set_cookie("display", mode, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/open-data")
def open_data():
    """Open data and machine formats in one place, so citizen pages need no developer words."""
    from civic import installed_features

    sources = []
    if "places" in installed_features():
        from civic.places.sources import source_summary

        sources = source_summary()
    maps = []
    if "reports" in installed_features():
        from civic.reports.maps import list_maps

        maps = list_maps(1, 100).items
    polls = []
    if "participation" in installed_features():
        from civic.participation.polls import list_polls

        polls = list_polls("closed", page=1, per_page=50).items
    stats_tables: list[str] = []
    if "stats" in installed_features():
        from civic.stats.tables import TABLES

        stats_tables = list(TABLES)
    return render_template("open_data.html", sources=sources, maps=maps, polls=polls, stats_tables=stats_tables)


@bp.route("/manifest.webmanifest")
def manifest():
    locale = str(get_locale())
    names = {"ko": ("서울 시민참여", "시민참여"), "en": ("Civic Seoul", "Civic")}
    name, short = names.get(locale, names["ko"])
    body = {
        "name": name,
        "short_name": short,
        "lang": locale,
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker():
    response = send_file(MOBILE_WEB / "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline():
    return render_template("offline.html")


@bp.route("/healthz")
def healthz():
    checks = {}
    healthy = True
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        db.session.rollback()
        checks["database"] = f"error: {type(exc).__name__}"
        healthy = False
    if current_app.config["REDIS_URL"]:
        try:
            from civic.jobs import redis_connection

            redis_connection().ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"] = f"error: {type(exc).__name__}"
            healthy = False
    else:
        checks["redis"] = "not configured"
    # Features add their own figures (e.g. mail failed or overdue); they inform, never fail the check.
    for name, detail in current_app.extensions.get("civic_health", {}).items():
        try:
            checks[name] = detail()
        except Exception as exc:  # noqa: BLE001 - a detail never breaks the health check
            db.session.rollback()
            checks[name] = f"error: {type(exc).__name__}"
    body = {"status": "ok" if healthy else "unavailable", **checks}
    return jsonify(body), 200 if healthy else 503
