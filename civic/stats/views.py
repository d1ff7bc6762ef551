"""``/stats`` (열린 민원 통계): charts and tables for the last 30 / 90 / 365 days."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from civic.formatting import format_short_day
from civic.stats import charts, service
from civic.stats.tables import TABLES

bp = Blueprint("stats", __name__)

DEFAULT_DAYS = 90


def _days() -> int:
    days = request.args.get("days", DEFAULT_DAYS, type=int)
    return days if days in service.WINDOWS else DEFAULT_DAYS


def _name(ref: dict | None, locale: str) -> str:
    if ref is None:
        return _("Not assigned")
    return ref["name_en"] if locale == "en" else ref["name_ko"]


def petition_charts(figures, locale: str) -> dict:
    bars = [(_name(r["department"], locale), r["received"]) for r in figures.petitions]
    weekly = [(format_short_day(week), n) for week, n in figures.weekly]  # already as published
    return {
        "departments": charts.bar_chart("chart-departments", _("Petitions received per department"), bars),
        "weekly": charts.line_chart("chart-weekly", _("Petitions received per week"), weekly),
    }


def _status_labels() -> dict[str, str]:
    from civic import installed_features

    if "reports" not in installed_features():
        return {}
    from civic.reports.labels import status_label
    from civic.reports.models import STATUSES

    return {status: status_label(status) for status in STATUSES}


@bp.route("/stats")
def index():
    from flask_babel import get_locale

    locale = str(get_locale())
    days = _days()
    # The dashboard is the same for everyone: rendered once per window and language, kept with the figures.
    body = service.remember(("page", days, locale), lambda: _dashboard(days, locale))
    return render_template("stats/index.html", body=body, days=days, windows=service.WINDOWS,
                           min_cell=service.min_cell())


def _dashboard(days: int, locale: str) -> Markup:
    figures = service.figures(days)
    names = {r["district"]["code"]: _name(r["district"], locale) for r in figures.reports_by_district}
    values = {r["district"]["code"]: r["reports"] for r in figures.reports_by_district}
    pictures = petition_charts(figures, locale)
    pictures["districts"] = charts.district_map("chart-districts", _("Reports per district"), values, names)
    pictures["services"] = charts.bar_chart(
        "chart-services", _("Reports per type"),
        [(_name(r["service"], locale), r["reports"]) for r in figures.reports_by_service])
    return Markup(render_template("stats/_dashboard.html", figures=figures, charts=pictures, days=days,
                                  status_labels=_status_labels(), tables=TABLES,
                                  name_of=lambda ref: _name(ref, locale), min_cell=service.min_cell()))
