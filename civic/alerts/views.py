"""Pages: alert history and subscription for citizens, drafting and sending for officers."""

from __future__ import annotations

import importlib.util
import json

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from civic.accounts.auth import current_user, role_required
from civic.alerts import banner, service
from civic.alerts.forms import AlertForm
from civic.alerts.guides import GUIDE_TYPES
from civic.alerts.labels import (
    LEVEL_LABELS,
    MSG_TYPE_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    TYPE_LABELS,
    source_label,
)
from civic.alerts.models import ALERT_TYPES, LEVELS
from civic.alerts.targeting import effective_districts
from civic.alerts.wording import alert_text, has_own_text
from civic.errors import N_, Conflict, Forbidden, NotFound, ValidationFailed
from civic.forms import apply_errors, district_choices
from civic.geo import district_index, validate_point

bp = Blueprint("alerts", __name__)

HISTORY_PER_PAGE = 10  # a phone screen or two; older alerts are a page away


@bp.app_context_processor
def labels():
    return {"alert_type_labels": TYPE_LABELS, "alert_level_labels": LEVEL_LABELS,
            "alert_msg_type_labels": MSG_TYPE_LABELS, "alert_status_labels": STATUS_LABELS,
            "alert_state_labels": STATE_LABELS, "active_alert_banner": banner.for_page,
            "alerts_for_device": _alerts_for_device, "alert_area_label": _area_label,
            "alert_guide_types": GUIDE_TYPES, "alert_source_label": source_label,
            "alert_text": lambda alert, field: alert_text(alert, field, str(get_locale())),
            "alert_has_own_text": lambda alert: has_own_text(alert, str(get_locale()))}


def _area_label(codes: list[str]) -> str:
    """Where an alert applies, short: "강남구, 서초구 외 3곳", or every district."""
    names = dict(district_choices())
    if codes and set(names) <= set(codes):
        return _("All districts")
    shown = [names.get(code, code) for code in codes[:2]]
    if len(codes) > 2:
        return _("%(names)s and %(count)s more", names=", ".join(shown), count=len(codes) - 2)
    return ", ".join(shown)


def _alerts_for_device() -> dict:
    """The home page's lead: active alerts for this device's districts (from the cookie its
    subscription set) and the others, with the names of those districts."""
    try:
        items = banner.active_summaries()
    except Exception:  # noqa: BLE001 - same failure rule as the banner
        return {"mine": [], "others": [], "districts": []}
    codes = banner.parse_districts(request.cookies.get(banner.DISTRICTS_COOKIE))
    mine, others = banner.for_districts(items, codes)
    names = dict(district_choices())
    return {"mine": mine, "others": others, "districts": [names[c] for c in codes]}


# --- citizens --------------------------------------------------------------------------------

@bp.route("/alerts")
def index():
    args = {k: (request.args.get(k) or None) for k in ("type", "level", "district")}
    active = service.active_alerts()
    in_force = [alert.id for alert in active]       # listed under 발령 중 only, never also as past
    try:
        page = service.history(args["type"], args["level"], args["district"], request.args.get("page", 1, type=int),
                               per_page=HISTORY_PER_PAGE, exclude=in_force)
    except ValidationFailed:
        args = dict.fromkeys(args)
        page = service.history(page=1, per_page=HISTORY_PER_PAGE, exclude=in_force)
    return render_template("alerts/index.html", page=page, active=active, filters=args,
                           districts=district_choices(), types=ALERT_TYPES, levels=LEVELS,
                           vapid_public_key=current_app.config["VAPID_PUBLIC_KEY"])


@bp.route("/alerts/guides")
def guides():
    """What to do for each kind of hazard; precached by the service worker for offline use."""
    from civic.alerts.guides import all_guides

    return render_template("alerts/guides.html", guides=all_guides(str(get_locale())))


@bp.route("/alerts/guides/<alert_type>")
def guide(alert_type: str):
    from civic.alerts.guides import GUIDE_TYPES, all_guides
    from civic.alerts.guides import guide as find_guide

    found = find_guide(alert_type, str(get_locale())) if alert_type in GUIDE_TYPES else None
    if found is None:
        raise NotFound(N_("There is no guide for this kind of alert."))
    return render_template("alerts/guide.html", guide=found, guides=all_guides(str(get_locale())))


def nearby_places_hook(alert_type: str, lat: float, lon: float) -> list | None:
    """The alert page's lists from the places feature (``civic.places.emergency``): refuges that
    fit the hazard, emergency rooms, pharmacies open now. None when the feature is absent or
    fails: the page still renders."""
    if importlib.util.find_spec("civic.places") is None:
        return None
    from civic.places.emergency import alert_facilities

    try:
        return alert_facilities(alert_type, lat, lon)
    except Exception:  # noqa: BLE001 - the alert page must render even if places fails
        current_app.logger.exception("nearest places failed")
        return None


def _alert_origin(alert):
    """(lat, lon, label, key) the page measures from: the reader's location when given
    (``lat``/``lon``, from the browser or typed), a named point chosen in the form (``near``),
    otherwise the office of the alert's first district ("강서구청 기준")."""
    from civic.places.emergency import district_office, resolve_origin

    lang = str(get_locale())
    if request.args.get("lat") and request.args.get("lon"):
        try:
            lat, lon = validate_point(request.args.get("lat"), request.args.get("lon"))
        except ValidationFailed:
            pass
        else:
            return lat, lon, _("your location"), "here"
    chosen = resolve_origin(request.args.get("near") or "")
    if chosen is not None:
        return chosen.lat, chosen.lon, chosen.name(lang), chosen.key
    office = district_office(alert.districts[0]) if alert.districts else None
    if office is not None:
        return office.lat, office.lon, office.name(lang), office.key
    centre = _centre(alert)
    if centre is None:
        return None
    return centre[0], centre[1], _("the centre of the alert area"), ""


def _centre(alert) -> tuple[float, float] | None:
    from civic.alerts.targeting import extra_shape

    geom = extra_shape(alert)
    if geom is None and alert.districts:
        geom = district_index().geometries.get(alert.districts[0])
    if geom is None:
        return None
    point = geom.representative_point()
    return point.y, point.x


@bp.route("/alerts/<int:alert_id>")
def show(alert_id: int):
    from civic.alerts.guides import guide

    alert = service.get_public(alert_id)
    origin = _alert_origin(alert) if importlib.util.find_spec("civic.places") else None
    groups = nearby_places_hook(alert.type, origin[0], origin[1]) if origin else None
    origins = []
    if groups is not None:
        from civic.places.emergency import alert_origins

        origins = [(loc.key, loc.name(str(get_locale())), loc.group) for loc in alert_origins()]
    return render_template("alerts/show.html", alert=alert, followups=service.followups(alert), groups=groups,
                           origin=origin, origins=origins, guide=guide(alert.type, str(get_locale())),
                           district_names=dict(district_choices()), lang=str(get_locale()))


# --- officers --------------------------------------------------------------------------------

def _form(alert=None) -> AlertForm:
    form = AlertForm(obj=alert) if request.method == "GET" and alert is not None else AlertForm()
    form.districts.choices = district_choices()
    if request.method == "GET" and alert is not None:
        form.polygon.data = json.dumps(alert.polygon) if alert.polygon else ""
        form.expires_in_min.data = None
    return form


@bp.route("/staff/alerts")
@role_required("alert_officer")
def staff_index():
    officer = current_user()
    page = service.staff_list(officer, request.args.get("page", 1, type=int))
    progress = {a.id: service.progress(officer, a) for a in page.items if a.status != "draft"}
    return render_template("alerts/staff_index.html", page=page, progress=progress)


@bp.route("/staff/alerts/new", methods=["GET", "POST"])
@role_required("alert_officer")
def staff_new():
    form = _form()
    if form.validate_on_submit():
        try:
            alert = service.create_draft(current_user(), form.to_data(), require_english=True)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Draft saved. Check the preview, then send."), "success")
            return redirect(url_for("alerts.staff_show", alert_id=alert.id))
    status = 422 if request.method == "POST" else 200
    return render_template("alerts/staff_form.html", form=form, title=_("New alert")), status


@bp.route("/staff/alerts/<int:alert_id>/edit", methods=["GET", "POST"])
@role_required("alert_officer")
def staff_edit(alert_id: int):
    alert = service.staff_get(current_user(), alert_id)
    form = _form(alert)
    if form.validate_on_submit():
        try:
            service.update_draft(current_user(), alert, form.to_data(), require_english=True)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Draft updated."), "success")
            return redirect(url_for("alerts.staff_show", alert_id=alert.id))
    status = 422 if request.method == "POST" else 200
    return render_template("alerts/staff_form.html", form=form, title=_("Edit draft"), alert=alert), status


@bp.route("/staff/alerts/<int:alert_id>/followup/<msg_type>", methods=["GET", "POST"])
@role_required("alert_officer")
def staff_followup(alert_id: int, msg_type: str):
    original = service.staff_get(current_user(), alert_id)
    if msg_type not in ("Update", "Cancel"):
        return redirect(url_for("alerts.staff_show", alert_id=alert_id))
    form = _form(original)
    if form.validate_on_submit():
        try:
            alert = service.create_followup(current_user(), original, msg_type, form.to_data())
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(_("Draft saved. Check the preview, then send."), "success")
            return redirect(url_for("alerts.staff_show", alert_id=alert.id))
    title = _("Update of alert %(id)s", id=alert_id) if msg_type == "Update" else _("Cancel alert %(id)s", id=alert_id)
    status = 422 if request.method == "POST" else 200
    return render_template("alerts/staff_form.html", form=form, title=title, original=original), status


@bp.route("/staff/alerts/<int:alert_id>")
@role_required("alert_officer")
def staff_show(alert_id: int):
    officer = current_user()
    alert = service.staff_get(officer, alert_id)
    preview = service.preview(officer, alert) if alert.status == "draft" else None
    return render_template("alerts/staff_show.html", alert=alert, preview=preview,
                           progress=service.progress(officer, alert), district_names=dict(district_choices()),
                           area_districts=sorted(effective_districts(alert)))


@bp.route("/staff/alerts/<int:alert_id>/<action>", methods=["POST"])
@role_required("alert_officer")
def staff_action(alert_id: int, action: str):
    officer = current_user()
    alert = service.staff_get(officer, alert_id)
    try:
        if action == "approve":
            service.approve(officer, alert)
            flash(_("Approved. The alert can now be sent."), "success")
        elif action == "send":
            service.send(officer, alert)
            flash(_("Sending started."), "success")
        elif action == "resume":
            service.resume(officer, alert)
            flash(_("The remaining deliveries were queued again."), "success")
    except Forbidden:
        flash(_("A second officer must approve an emergency alert."), "error")
    except Conflict:
        if action == "send" and alert.level == "emergency" and alert.approved_by_id is None:
            flash(_("An emergency alert needs a second officer's approval before it is sent."), "error")
        else:
            flash(_("This is not possible for this alert in its current state."), "error")
    return redirect(url_for("alerts.staff_show", alert_id=alert_id))
