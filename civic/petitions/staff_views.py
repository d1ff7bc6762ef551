"""Staff pages under ``/staff/petitions``: the triage queue, a petition with its actions and
audit trail, the workload of a department, and (admins) petition types."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from civic.accounts.auth import current_user, role_required, safe_next, signed_in_user
from civic.accounts.service import list_departments
from civic.csv_export import csv_response
from civic.errors import Conflict, NotFound, ValidationFailed, translate
from civic.formatting import format_when
from civic.forms import apply_errors, district_choices, submit
from civic.geo import district_name
from civic.petitions import answer_templates, present, service, triage, workload
from civic.petitions.forms import AnswerForm, AssignForm, NoteForm, StatusForm, TransferForm, TypeForm
from civic.petitions.labels import status_label
from civic.petitions.models import STATUSES
from civic.petitions.service import Upload
from civic.staff import desk

bp = Blueprint("petitions_staff", __name__)


def _department_choices(exclude_id=None) -> list[tuple[str, str]]:
    locale = str(get_locale())
    return [("", _("Choose a department"))] + [
        (d.code, d.name(locale)) for d in list_departments() if d.id != exclude_id]


def _all_departments_choices() -> list[tuple[str, str]]:
    return [("", _("All departments"))] + _department_choices()[1:]


def _staff_choices(department_id) -> list[tuple[str, str]]:
    return [("", _("Choose a staff member"))] + [
        (str(u.id), u.display_name or u.email or str(u.id)) for u in triage.assignable_staff(department_id)]


def _queue_filter() -> triage.QueueFilter:
    args = request.args
    flag = args.get("flag")
    return triage.QueueFilter(
        status=args.get("status") or None, type=args.get("type") or None,
        district=args.get("district") or None, assignee=args.get("assignee") or None,
        department=args.get("department") or None, overdue=flag == "overdue", due_soon=flag == "due_soon",
        sort=args.get("sort") or "due",
    )


QUEUE_COLUMNS = ("due", "received", "status", "district", "assignee")


def _bulk_assignment(user, items) -> tuple[list[tuple[str, list[tuple[str, str]]]], set[int], list]:
    """Who can receive the open petitions shown: staff of each department on the page (grouped
    by department for admins), the departments whose rows can be selected, and the departments
    with open petitions but nobody to assign them to."""
    locale = str(get_locale())
    departments = {p.department_id: p.department for p in items if p.is_open}
    if not user.has_role("admin"):
        departments = {k: v for k, v in departments.items() if k == user.department_id}
    groups, selectable, without_staff = [], set(), []
    for department_id, department in sorted(departments.items(), key=lambda kv: kv[1].name(locale)):
        people = triage.assignable_staff(department_id)
        if not people:
            without_staff.append(department)
            continue
        selectable.add(department_id)
        groups.append((department.name(locale),
                       [(str(u.id), u.display_name or u.email or str(u.id)) for u in people]))
    return groups, selectable, without_staff


@bp.route("/staff/petitions")
@role_required("staff")
def index():
    user = signed_in_user()
    flt = _queue_filter()
    try:
        page = triage.queue(user, flt, request.args.get("page", 1, type=int), desk.PAGE_SIZE)
        counts = triage.status_counts(user, flt.department)
    except ValidationFailed:
        abort(400)
    locale = str(get_locale())
    staff_groups, selectable, without_staff = _bulk_assignment(user, page.items)
    return render_template(
        "petitions/staff_queue.html", page=page, counts=counts, flt=flt, args=request.args,
        types=service.list_types(include_inactive=True), locale=locale,
        districts=district_choices(_("All districts")),
        departments=_all_departments_choices() if user.has_role("admin") else None,
        staff_groups=staff_groups, selectable=selectable, without_staff=without_staff,
        sort_links=desk.sort_links("petitions_staff.index", flt.sort, QUEUE_COLUMNS),
        export_url=desk.export_url("petitions_staff.export"),
    )


@bp.route("/staff/petitions/export.csv")
@role_required("staff")
def export():
    """The current view of the queue (the same filters and order) as CSV, every page of it."""
    user = signed_in_user()
    try:
        items = triage.queue_export(user, _queue_filter(), desk.EXPORT_MAX_ROWS)
    except ValidationFailed:
        abort(400)
    locale = str(get_locale())
    header = [_("Receipt number"), _("Title"), _("Status"), _("Type"), _("District"), _("Department"),
              _("Assignee"), _("Received"), _("Answer due"), _("Deadline")]
    rows = []
    for p in items:
        fl = service.flags(p)
        rows.append([
            p.receipt_no, p.title, status_label(p.status), p.type.name(locale),
            district_name(p.district_code) if p.district_code else "", p.department.name(locale),
            (p.assignee.display_name or p.assignee.email or "") if p.assignee else "",
            format_when(p.created_at), format_when(p.due_at),
            _("Overdue") if fl["overdue"] else _("Due soon") if fl["due_soon"] else "",
        ])
    return csv_response(header, rows, "petitions.csv")


@bp.route("/staff/petitions/bulk-assign", methods=["POST"])
@role_required("staff")
def bulk_assign():
    receipt_nos = request.form.getlist("receipt_no")
    try:
        done = triage.bulk_assign(current_user(), receipt_nos, request.form.get("user"))
    except ValidationFailed as exc:
        flash(_("Choose petitions and a staff member.") if exc.errors else translate(exc.detail), "error")
    except Conflict:
        flash(_("Only open petitions can be assigned."), "error")
    else:
        flash(_("%(count)d petition(s) assigned.", count=len(done)), "success")
    target = request.form.get("next")
    return redirect(safe_next(target) if target else url_for("petitions_staff.index"))


def _render_staff_detail(petition, status=200, **forms):
    user = current_user()
    assign = forms.get("assign") or AssignForm(prefix="assign")
    assign.user.choices = _staff_choices(petition.department_id)
    status_form = forms.get("status") or StatusForm(prefix="status")
    status_form.status.choices = [(s, status_label(s)) for s in sorted(triage.TRANSITIONS.get(petition.status, ()))]
    transfer = forms.get("transfer") or TransferForm(prefix="transfer")
    transfer.department.choices = _department_choices(exclude_id=petition.department_id)
    note = forms.get("note") or NoteForm(prefix="note")
    answer = forms.get("answer") or AnswerForm(prefix="answer")
    chosen = request.args.get("template") if request.method == "GET" else None
    if chosen and petition.is_open:
        try:
            answer.body.data = answer_templates.for_answer(user, petition, chosen)
            answer.template_id.data = chosen
        except NotFound:
            flash(_("That answer template is not available."), "error")
    if not answer.body.data and petition.is_open:
        answer.body.data = petition.type.answer_template
    entries = [present.audit_entry(e) for e in triage.audit_trail(user, petition.receipt_no)]
    actors = triage.users_by_id({e["actor_id"] for e in entries if e["actor_id"]})
    return render_template(
        "petitions/staff_detail.html", petition=petition, assign_form=assign, status_form=status_form,
        transfer_form=transfer, note_form=note, answer_form=answer, audit_entries=entries, actors=actors,
        answer_templates=answer_templates.list_for(petition.department_id) if petition.is_open else [],
        chosen_template=answer.template_id.data or "",
        no_staff=len(assign.user.choices) <= 1,
        department_names={d.code: d.name(str(get_locale())) for d in list_departments()},
    ), status


@bp.route("/staff/petitions/<receipt_no>")
@role_required("staff")
def detail(receipt_no):
    return _render_staff_detail(triage.view(current_user(), receipt_no))


def _staff_action(receipt_no, key, form, action, done_message):
    """Run one console action; re-render the petition with the form's errors on failure."""
    petition = triage.staff_petition(current_user(), receipt_no)
    if form.validate_on_submit():
        try:
            action(form)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except Conflict:
            flash(_("That action is not possible in the petition's current state."), "error")
            return redirect(url_for("petitions_staff.detail", receipt_no=receipt_no))
        else:
            flash(done_message, "success")
            if service.can_view(current_user(), petition):
                return redirect(url_for("petitions_staff.detail", receipt_no=receipt_no))
            return redirect(url_for("petitions_staff.index"))
    return _render_staff_detail(petition, status=422, **{key: form})


@bp.route("/staff/petitions/<receipt_no>/assign", methods=["POST"])
@role_required("staff")
def assign(receipt_no):
    return _staff_action(receipt_no, "assign", AssignForm(prefix="assign"),
                         lambda f: triage.assign(current_user(), receipt_no, f.user.data or None),
                         _("The petition was assigned."))


@bp.route("/staff/petitions/<receipt_no>/status", methods=["POST"], endpoint="status")
@role_required("staff")
def change_status(receipt_no):
    return _staff_action(receipt_no, "status", StatusForm(prefix="status"),
                         lambda f: triage.change_status(current_user(), receipt_no, f.status.data),
                         _("The status was changed."))


@bp.route("/staff/petitions/<receipt_no>/transfer", methods=["POST"])
@role_required("staff")
def transfer(receipt_no):
    return _staff_action(receipt_no, "transfer", TransferForm(prefix="transfer"),
                         lambda f: triage.transfer(current_user(), receipt_no, f.department.data, f.reason.data),
                         _("The petition was transferred."))


@bp.route("/staff/petitions/<receipt_no>/notes", methods=["POST"])
@role_required("staff")
def note(receipt_no):
    return _staff_action(receipt_no, "note", NoteForm(prefix="note"),
                         lambda f: triage.add_note(current_user(), receipt_no, f.body.data),
                         _("The note was added."))


@bp.route("/staff/petitions/<receipt_no>/answer", methods=["POST"])
@role_required("staff")
def answer(receipt_no):
    def act(form):
        uploads = [Upload(f.stream, f.filename or "") for f in (form.attachments.data or [])
                   if getattr(f, "filename", None)]
        triage.answer(current_user(), receipt_no, form.body.data, uploads, form.template_id.data or None)

    return _staff_action(receipt_no, "answer", AnswerForm(prefix="answer"), act,
                         _("The answer was sent to the petitioner."))


@bp.route("/staff/petitions/workload", endpoint="workload")
@role_required("department_admin")
def workload_page():
    user = signed_in_user()
    department = request.args.get("department") or None
    try:
        load = workload.workload(user, department)
    except ValidationFailed:
        abort(400)
    return render_template("petitions/staff_workload.html", load=load,
                           departments=_all_departments_choices() if user.has_role("admin") else None,
                           statuses=STATUSES)


@bp.route("/staff/petitions/types")
@role_required("admin")
def types():
    return render_template("petitions/staff_types.html", types=service.list_types(include_inactive=True),
                           locale=str(get_locale()))


@bp.route("/staff/petitions/types/<code>", methods=["GET", "POST"])
@role_required("admin")
def type_edit(code):
    ptype = service.get_type(code)
    form = TypeForm(obj=None if request.method == "POST" else ptype)
    form.department.choices = _department_choices()
    if request.method == "GET":
        form.department.data = ptype.department.code
        form.required_fields.data = list(ptype.required_fields or [])
    done = submit(form, lambda: service.update_type(
                      current_user(), code, name_ko=form.name_ko.data or "", name_en=form.name_en.data or "",
                      department_code=form.department.data, deadline_days=form.deadline_days.data,
                      deadline_unit=form.deadline_unit.data, required_fields=form.required_fields.data or [],
                      route_by_district=form.route_by_district.data,
                      answer_template=form.answer_template.data or "", is_active=form.is_active.data),
                  success=_("The petition type was saved."), redirect_to=url_for("petitions_staff.types"))
    if done:
        return done
    status = 422 if form.errors or form.form_errors else 200
    return render_template("petitions/staff_type_edit.html", form=form, ptype=ptype), status
