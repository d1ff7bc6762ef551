"""Labels of petition values in the page's language: one home for the pages, the staff console
and the templates (``petition_status_label``, ``petition_audit_label``)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext, pgettext


def status_label(status: str) -> str:
    return {
        "received": _("Received"), "assigned": _("Assigned"), "in_progress": _("In progress"),
        "answered": _("Answered"), "closed": pgettext("petition status", "Closed"), "withdrawn": _("Withdrawn"),
    }.get(status, status)


def audit_label(action: str) -> str:
    return {
        "petition.view": _("Opened"), "petition.assign": _("Assigned"), "petition.status": _("Status changed"),
        "petition.transfer": _("Transferred out"), "petition.transfer_in": _("Transferred in"),
        "petition.note": _("Note added"), "petition.answer": _("Answered"),
    }.get(action, _("Other action"))


def deadline_label(ptype) -> str:
    """A petition type's legal handling period, saying how the law counts it."""
    amount, unit = ptype.deadline_days, ptype.deadline_unit
    if unit == "immediate":
        return _("Immediately (within 3 working hours)")
    if unit == "days" and amount <= 5:
        return _("%(days)d days (%(hours)d working hours from receipt)", days=amount, hours=amount * 8)
    if unit == "days":
        return _("%(days)d days, counting the day of receipt, without Saturdays and holidays", days=amount)
    return {
        "weeks": ngettext("%(num)d week", "%(num)d weeks", amount),
        "months": ngettext("%(num)d month", "%(num)d months", amount),
        "years": ngettext("%(num)d year", "%(num)d years", amount),
    }.get(unit, str(amount))


TEMPLATE_HELPERS = {"petition_status_label": status_label, "petition_audit_label": audit_label,
                    "petition_deadline_label": deadline_label}
