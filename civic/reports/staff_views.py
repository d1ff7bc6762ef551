"""Staff triage of reports routed to the staff member's department, and routing rules (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from civic.accounts.auth import current_user, role_required, signed_in_user
from civic.accounts.service import list_departments
from civic.csv_export import csv_response
from civic.errors import N_, Forbidden, ValidationFailed
from civic.formatting import format_when
from civic.forms import district_choices, refuse, submit
from civic.geo import district_name
from civic.reports import handling, service
from civic.reports.forms import RoutingForm, TransferForm
from civic.reports.labels import status_label
from civic.reports.models import STATUSES
from civic.staff import desk

bp = Blueprint("reports_staff", __name__)


@bp.route("/staff/reports")
@role_required("staff")
def index():
    status = request.args.get("status") or "open_any"
    if status not in ("open_any", "all", *STATUSES):
        status = "open_any"
    filters = service.ReportFilters(status=None if status == "all" else status,
                                    service_code=request.args.get("service") or None,
                                    district_code=request.args.get("district") or None)
    sort = request.args.get("sort") or "-received"
    try:
        page = handling.staff_reports(signed_in_user(), filters, request.args.get("page", 1, type=int),
                                      desk.PAGE_SIZE, sort, request.args.get("assignee") or None)
    except ValidationFailed:
        abort(400)
    return render_template("reports/staff_index.html", page=page, status=status, statuses=STATUSES,
                           services=service.list_services(), districts=district_choices(_("All districts")),
                           report_flags=handling.report_flags,
                           sort_links=desk.sort_links("reports_staff.index", sort, ("due", "received", "status",
                                                                                    "district", "assignee")),
                           export_url=desk.export_url("reports_staff.export"))


@bp.route("/staff/reports/export.csv")
@role_required("staff")
def export():
    """The current view of the report queue as CSV (same filters and order)."""
    status = request.args.get("status") or "open_any"
    filters = service.ReportFilters(status=None if status == "all" else status,
                                    service_code=request.args.get("service") or None,
                                    district_code=request.args.get("district") or None)
    try:
        items = handling.staff_reports_export(signed_in_user(), filters, request.args.get("sort") or "-received",
                                              desk.EXPORT_MAX_ROWS, request.args.get("assignee") or None)
    except ValidationFailed:
        abort(400)
    locale = str(get_locale())
    header = [_("Number"), _("Problem"), _("Status"), _("Address"), _("District"), _("Department"),
              _("Assignee"), _("Received"), _("Expected by")]
    rows = [[r.id, r.service.name(locale), status_label(r.status), r.address,
             district_name(r.district_code) if r.district_code else "", r.department.name(locale),
             (r.assignee.display_name or r.assignee.email or "") if r.assignee else "",
             format_when(r.created_at), format_when(r.expected_at) if r.expected_at else ""] for r in items]
    return csv_response(header, rows, "reports.csv")


@bp.route("/staff/reports/<int:report_id>/assign", methods=["POST"])
@role_required("staff")
def assign(report_id):
    report = service.get_report(report_id)
    try:
        handling.assign_report(signed_in_user(), report, request.form.get("user", ""))
    except ValidationFailed as exc:  # (another department's staff: Forbidden, a 403 page)
        return refuse(exc, "reports.detail", report_id=report_id)
    flash(_("The report was assigned.") if report.assignee else _("The report is assigned to nobody."), "success")
    return redirect(url_for("reports.detail", report_id=report_id))


@bp.route("/staff/reports/<int:report_id>/transfer", methods=["GET", "POST"])
@role_required("staff")
def transfer(report_id):
    report = service.get_report(report_id)
    form = TransferForm()
    locale = str(get_locale())
    form.department_code.choices = [(d.code, d.name(locale)) for d in list_departments()]
    if request.method == "GET":
        form.department_code.data = report.department.code
    done = submit(form, lambda: handling.transfer_report(signed_in_user(), report, form.department_code.data,
                                                         form.reason.data),
                  success=_("The report was transferred."), redirect_to=url_for("reports_staff.index"))
    if done:
        return done
    # (transfer_report refuses people who do not handle the report before anything else)
    if not handling.can_manage(current_user(), report):
        raise Forbidden(N_("Only staff of the department handling this report can transfer it."))
    return render_template("reports/staff_transfer.html", report=report, form=form), 422 if form.errors else 200


@bp.route("/staff/reports/routing", methods=["GET", "POST"])
@role_required("admin")
def routing():
    locale = str(get_locale())
    form = RoutingForm()
    form.service_code.choices = [("", _("Any service"))] + [
        (s.code, s.name(locale)) for s in service.list_services(active_only=False)]
    form.district_code.choices = district_choices(_("Any district"))
    form.department_code.choices = [("", _("(delete the rule)"))] + [
        (d.code, d.name(locale)) for d in list_departments()]
    done = submit(form, lambda: service.set_routing_rule(current_user(), form.service_code.data,
                                                         form.district_code.data, form.department_code.data or None),
                  success=_("The routing rule was saved."), redirect_to=url_for("reports_staff.routing"))
    if done:
        return done
    return render_template("reports/staff_routing.html", form=form, rules=service.list_routing_rules()), \
        422 if form.errors else 200
