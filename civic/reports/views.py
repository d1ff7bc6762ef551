"""Report pages: public list, the three-step report flow, detail with timeline, my reports,
photos. Themed maps (map_views) and the staff pages (staff_views) have blueprints of their own."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from civic import geo, uploads
from civic.accounts.auth import confirmed_required, current_user, login_required, signed_in_user
from civic.accounts.service import department_staff
from civic.errors import ValidationFailed, translate_errors
from civic.forms import apply_errors, submit
from civic.reports import handling, labels, service
from civic.reports.catalogue import attributes_from_form
from civic.reports.forms import ReportDetailsForm, UpdateForm
from civic.reports.models import STATUSES

bp = Blueprint("reports", __name__)


@bp.app_context_processor
def _helpers():
    return labels.TEMPLATE_HELPERS


@bp.route("/reports")
def index():
    args = request.args
    status = args.get("status") or None
    if status not in (None, "open_any", *STATUSES):
        status = None
    filters = service.ReportFilters(status=status, service_code=args.get("service") or None,
                                    district_code=args.get("district") or None)
    page = service.list_reports(filters, args.get("page", 1, type=int))
    api_args: dict[str, Any] = {"service_code": filters.service_code, "district_code": filters.district_code,
                "status": status if status in STATUSES else None}
    geojson_url = url_for("reports_api.list_reports", per_page=100, **{k: v for k, v in api_args.items() if v})
    return render_template("reports/index.html", page=page, services=service.list_services(), geojson_url=geojson_url,
                           districts=geo.all_districts(), statuses=STATUSES, filters=filters)


@bp.route("/reports/mine")
@login_required
def mine():
    page = service.my_reports(signed_in_user(), request.args.get("page", 1, type=int))
    return render_template("reports/mine.html", page=page)


def _where_args() -> dict:
    return {k: request.values.get(k, "").strip() for k in ("lat", "lon", "address", "district_code")}


@bp.route("/reports/new", methods=["GET", "POST"])
@confirmed_required
def new():
    """Step 1 where, step 2 what, step 3 details and photos. Steps 1-2 are plain GET forms, so
    the flow works without JavaScript; only the final step writes."""
    where = _where_args()
    step = request.values.get("step", "1")
    districts = geo.all_districts()
    if step == "1":
        return render_template("reports/new_where.html", where=where, districts=districts, errors={})
    try:
        location = service.resolve_location(where["lat"], where["lon"], where["address"],
                                            where["district_code"] or None)
    except ValidationFailed as exc:
        return render_template("reports/new_where.html", where=where, districts=districts,
                               errors=translate_errors(exc.errors)), 422
    services = service.list_services()
    code = request.values.get("service_code", "")
    if step == "2" or not code:
        errors = {"service_code": _("Choose what the problem is.")} if step == "3" else {}
        return render_template("reports/new_what.html", where=where, location=location, services=services,
                               errors=errors), 422 if errors else 200
    svc = service.get_service(code)
    form = ReportDetailsForm()
    if request.method == "GET":
        form.process(data={**where, "service_code": code})
    duplicates = (service.nearby_open_reports(svc.code, location.lat, location.lon)
                  if location.lat is not None and location.lon is not None else [])
    attribute_values = {k[10:-1]: request.form.getlist(k) for k in request.form if k.startswith("attribute[")}
    attribute_errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        photos = [f for f in form.photos.data or [] if f and f.filename]
        try:
            report = service.create_report(
                service_code=svc.code, location=location, description=form.description.data,
                attributes=attributes_from_form(request.form),
                photos=[f.stream for f in photos], reporter=current_user(),
                show_name=form.show_name.data, public_name=form.public_name.data,
                client_token=form.client_token.data)
        except ValidationFailed as exc:
            errors = translate_errors(exc.errors)
            attribute_errors = {k[10:-1]: v for k, v in errors.items() if k.startswith("attribute[")}
            apply_errors(form, ValidationFailed({k: v for k, v in exc.errors.items()
                                                 if not k.startswith("attribute[")}))
        else:
            flash(_("Thank you. Your report #%(id)s was sent to %(department)s.", id=report.id,
                    department=report.department.name(str(get_locale()))), "success")
            return redirect(url_for("reports.detail", report_id=report.id))
    status = 422 if request.method == "POST" else 200
    return render_template("reports/new_details.html", form=form, svc=svc, location=location,
                           duplicates=duplicates, attribute_values=attribute_values,
                           attribute_errors=attribute_errors), status


@bp.route("/reports/<int:report_id>")
def detail(report_id):
    report = service.get_report(report_id)
    user = current_user()
    form, assignable = None, []
    if handling.can_manage(user, report):
        form = UpdateForm()
        _update_choices(form)
        assignable = department_staff(report.department_id)
    return render_template("reports/detail.html", report=report, form=form, assignable=assignable,
                           following=service.is_following(user, report))


def _update_choices(form: UpdateForm) -> None:
    form.status.choices = [("", _("Keep the status"))] + [(s, labels.status_label(s)) for s in STATUSES]
    form.close_reason.choices = [("", "—")] + [(r, labels.close_reason_label(r))
                                               for r in ("fixed", "duplicate", "not_responsible", "no_action")]


@bp.route("/reports/<int:report_id>/follow", methods=["POST"])
@login_required
def follow(report_id):
    report = service.get_report(report_id)
    if request.form.get("action") == "unfollow":
        service.unfollow(signed_in_user(), report)
        flash(_("You no longer follow this report."), "success")
    else:
        service.follow(signed_in_user(), report)
        flash(_("You will be notified of updates to this report."), "success")
    return redirect(url_for("reports.detail", report_id=report.id))


@bp.route("/reports/<int:report_id>/updates", methods=["POST"])
@login_required
def post_update(report_id):
    report = service.get_report(report_id)
    form = UpdateForm()
    _update_choices(form)
    done = submit(form, lambda: handling.post_update(signed_in_user(), report, form.text.data,
                                                     form.status.data or None, form.close_reason.data or None),
                  success=_("The update was published."), redirect_to=url_for("reports.detail", report_id=report.id))
    if done:
        return done
    # (post_update refuses people who do not handle the report before anything else)
    if not handling.can_manage(current_user(), report):
        abort(403)
    return render_template("reports/detail.html", report=report, form=form,
                           following=service.is_following(current_user(), report)), 422


@bp.route("/reports/photos/<name>")
def photo(name):
    """Stored photos of reports, with their real content type (names are random)."""
    photo, _thumb = service.photo_by_name(name)
    return uploads.send_upload(name)
