"""Labels of petition values in the page's language: one home for the pages, the staff console
and the templates (``petition_status_label``, ``petition_audit_label``)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext


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


TEMPLATE_HELPERS = {"petition_status_label": status_label, "petition_audit_label": audit_label}
