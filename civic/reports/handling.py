"""Staff handling of reports: the department's queue, public updates with status changes,
transfers. Only staff of the department a report is routed to (and admins) change it."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from civic import audit, events
from civic.accounts.models import Department, User
from civic.accounts.service import require_role
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Forbidden, ValidationFailed
from civic.extensions import db
from civic.idempotency import clean_token, create_once
from civic.notifications.service import in_locale_of, notify
from civic.reports.facts import facts
from civic.reports.labels import close_reason_label, status_label
from civic.reports.models import CLOSE_REASONS, STATUSES, Report, ReportFollower, ReportUpdate
from civic.reports.service import MAX_DESCRIPTION, ReportFilters, _filtered
from civic.reports.text import plain_text

STAFF_SORTS = ("-received", "received", "due", "-due", "status", "-status", "district", "-district", "assignee",
               "-assignee")
DUE_SOON = timedelta(hours=24)
Assignee = aliased(User)  # (the reporter is a user too)


def staff_report_query(user: User, filters: ReportFilters, sort: str = "-received", assignee: str | None = None):
    """Reports routed to the staff member's department (admins see all), in the desk's order:
    received (newest first by default), due (the expected handling date), status, district or
    assignee (by name; unassigned last). ``assignee``: ``me``, ``none`` (nobody yet) or a user id,
    as on the petitions desk; empty: anyone."""
    require_role(user, "staff")
    if not user.has_role("admin"):
        if user.department_id is None:
            raise Forbidden(N_("Your account has no department."))
        filters.department_id = user.department_id
    if sort not in STAFF_SORTS:
        raise ValidationFailed({"sort": N_("One of %(values)s.", values=", ".join(STAFF_SORTS))})
    query = _filtered(filters).order_by(None).options(selectinload(Report.assignee))
    if assignee == "me":
        query = query.where(Report.assignee_id == user.id)
    elif assignee == "none":
        query = query.where(Report.assignee_id.is_(None))
    elif assignee:
        try:
            query = query.where(Report.assignee_id == int(assignee))
        except ValueError:
            raise ValidationFailed({"assignee": N_("Use me, none or a user id.")}) from None
    if sort.lstrip("-") == "assignee":
        query = query.outerjoin(Assignee, Report.assignee_id == Assignee.id)
    column = {"received": Report.created_at, "due": Report.expected_at, "status": Report.status,
              "district": Report.district_code, "assignee": Assignee.display_name}[sort.lstrip("-")]
    first = column.desc() if sort.startswith("-") else column.asc()
    if sort.lstrip("-") in ("due", "district", "assignee"):
        first = first.nulls_last()
    return query.order_by(first, Report.id.desc() if sort.startswith("-") else Report.id)


def staff_reports(user: User, filters: ReportFilters, page: int = 1, per_page: int = 20,
                  sort: str = "-received", assignee: str | None = None) -> Page:
    return paginate(staff_report_query(user, filters, sort, assignee), page, per_page)


def staff_reports_export(user: User, filters: ReportFilters, sort: str = "-received", limit: int = 5000,
                         assignee: str | None = None) -> list:
    return list(db.session.scalars(staff_report_query(user, filters, sort, assignee).limit(limit)))


def report_flags(report: Report, now=None) -> dict[str, bool]:
    """``overdue`` (past its expected handling date) / ``due_soon`` (within a day) while not closed."""
    if report.status == "closed" or report.expected_at is None:
        return {"overdue": False, "due_soon": False}
    now = now or utcnow()
    return {"overdue": report.expected_at < now, "due_soon": now <= report.expected_at < now + DUE_SOON}


def can_manage(user: User | None, report: Report) -> bool:
    """Only staff of the department the report is routed to (and admins) change it."""
    if user is None or not user.is_staff:
        return False
    return user.has_role("admin") or (user.department_id is not None
                                      and user.department_id == report.department_id)


def _require_manager(user: User | None, report: Report) -> User:
    user = require_role(user, "staff")
    if not can_manage(user, report):
        raise Forbidden(N_("Only staff of the department handling this report can change it."))
    return user


def post_update(actor: User, report: Report, text: str = "", status: str | None = None,
                close_reason: str | None = None, client_token: str | None = None) -> ReportUpdate:
    """A public update by the handling department: text and/or a status change. Closing needs
    a reason. The reporter and followers are notified; the action is audited. A ``client_token``
    (the API's ``Idempotency-Key``) this person already used returns that update instead of a
    second one (``civic.idempotency``)."""
    _require_manager(actor, report)
    text = plain_text(text)
    status = status or None
    token = clean_token(client_token)
    return create_once(
        ReportUpdate, token, lambda: _post_update(actor, report, text, status, close_reason, token),
        owned=lambda u: u.author_id == actor.id,
        same=lambda u: (u.report_id, u.text) == (report.id, text) and u.new_status in (None, status))


def _post_update(actor: User, report: Report, text: str, status: str | None, close_reason: str | None,
                 token: str | None) -> ReportUpdate:
    errors = {}
    if len(text) > MAX_DESCRIPTION:
        errors["text"] = N_("Use at most %(n)d characters.", n=MAX_DESCRIPTION)
    if status is not None and status not in STATUSES:
        errors["status"] = N_("One of %(values)s.", values=", ".join(STATUSES))
    if status == "closed" and close_reason not in CLOSE_REASONS:
        errors["close_reason"] = N_("Choose why the report is closed.")
    if status == report.status and status != "closed":
        status = None
    if status is None and not text:
        errors["text"] = N_("Write an update or change the status.")
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        now = utcnow()
        before = facts(report) if status is not None else None
        update = ReportUpdate(report=report, author_id=actor.id, text=text, old_status=report.status,
                              new_status=status, close_reason=close_reason if status == "closed" else None,
                              created_at=now, client_token=token)
        db.session.add(update)
        if status is not None:
            old_status = report.status
            report.status = status
            report.close_reason = update.close_reason
            events.emit(events.ReportStatusChanged(report.id, old_status, status, update.close_reason, now,
                                                   before=before, after=facts(report, fixed=now)))
        report.updated_at = now
        audit.record(actor, "report.update", "report", report.id, department_id=report.department_id,
                     status=status, close_reason=update.close_reason, has_text=bool(text))
        _notify_watchers(actor, report, update)
    return update


def transfer_report(actor: User, report: Report, department_code: str, reason: str) -> Report:
    """Hand a report to another department (the new department then manages it)."""
    _require_manager(actor, report)
    reason = plain_text(reason)
    if not reason:
        raise ValidationFailed({"reason": N_("Give a reason for the transfer.")})
    department = db.session.scalar(select(Department).where(Department.code == department_code))
    if department is None:
        raise ValidationFailed({"department_code": N_("Unknown department.")})
    with unit_of_work():
        old = report.department.code
        report.department = department
        report.assignee_id = None  # the new department assigns its own staff
        report.updated_at = utcnow()
        audit.record(actor, "report.transfer", "report", report.id, department_id=department.id,
                     from_department=old, to_department=department.code, reason=reason)
    return report


def assign_report(actor: User, report: Report, user_id) -> Report:
    """Give a report to a staff member of its department (``user_id`` empty: to nobody). The
    assignee is told, unless they assigned it to themselves."""
    from civic.accounts.service import department_staff_member

    _require_manager(actor, report)
    member = department_staff_member(report.department_id, user_id) if user_id not in (None, "") else None
    with unit_of_work():
        report.assignee = member
        audit.record(actor, "report.assign", "report", report.id, department_id=report.department_id,
                     assignee_id=member.id if member else None)
        if member is not None and member.id != actor.id:
            with in_locale_of(member):
                notify(member, "report_staff", _("Report #%(id)s was assigned to you", id=report.id), "",
                       f"/reports/{report.id}")
    return report


def reclassify(actor: User, report: Report, service_code: str | None = None,
               district_code: str | None = None) -> Report:
    """Correct the service or the district of a report (filed under the wrong one). The report
    keeps its department; its counters move to the new service or district."""
    from civic import geo
    from civic.reports.catalogue import get_service

    _require_manager(actor, report)
    service = get_service(service_code, active_only=False) if service_code else report.service
    district = report.district_code
    if district_code:
        district = geo.validate_district_codes([district_code], field="district_code")[0]
    if service.id == report.service_id and district == report.district_code:
        raise ValidationFailed({"service_code": N_("Choose another service or district.")})
    with unit_of_work():
        before = facts(report)
        old_service, old_district = report.service.code, report.district_code
        report.service, report.service_id, report.district_code = service, service.id, district
        report.updated_at = utcnow()
        events.emit(events.ReportReclassified(report.id, before.service_id, before.district_code, before=before,
                                              after=facts(report)))
        audit.record(actor, "report.reclassify", "report", report.id, department_id=report.department_id,
                     from_service=old_service, to_service=service.code, from_district=old_district,
                     to_district=district)
    return report


def remove_report(actor: User, report: Report, reason: str) -> None:
    """An admin removes a report for good (unlawful content, personal data posted by mistake):
    the row, its photos and updates go; the audit log keeps who did it and why."""
    from civic import uploads

    require_role(actor, "admin")
    reason = plain_text(reason)
    if not reason:
        raise ValidationFailed({"reason": N_("Give a reason for the removal.")})
    photos = [(photo.name, photo.thumb_name) for photo in report.photos]
    with unit_of_work():
        events.emit(events.ReportDeleted(report.id, before=facts(report)))
        audit.record(actor, "report.remove", "report", report.id, department_id=report.department_id, reason=reason)
        db.session.delete(report)
    for name, thumb in photos:
        uploads.delete_image(name, thumb)


def _notify_watchers(actor: User, report: Report, update: ReportUpdate) -> None:
    recipients: dict[int, User] = {}
    if report.reporter is not None:
        recipients[report.reporter.id] = report.reporter
    for row in db.session.scalars(select(ReportFollower).where(ReportFollower.report_id == report.id)):
        recipients[row.user_id] = row.user
    recipients.pop(actor.id, None)
    url = f"/reports/{report.id}"
    for user in recipients.values():
        with in_locale_of(user):
            title = _("Update on report #%(id)s: %(service)s", id=report.id,
                      service=report.service.name(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]))
            parts = []
            if update.new_status:
                parts.append(_("Status: %(status)s", status=status_label(update.new_status)))
                if update.close_reason:
                    parts.append(close_reason_label(update.close_reason))
            if update.text:
                parts.append(update.text[:300])
            notify(user, "report_update", title, " · ".join(parts), url)
