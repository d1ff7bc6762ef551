"""Labels of report values in the page's language (one home for the pages, the staff console
and notifications)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext


def status_label(status: str) -> str:
    # Contexts: "Open"/"Closed" mean other things in other features' catalogs.
    return {"open": pgettext("report status", "Open"), "acknowledged": _("Acknowledged"),
            "in_progress": _("In progress"), "closed": pgettext("report status", "Closed")}.get(status, status)


def close_reason_label(reason: str | None) -> str:
    return {"fixed": _("Fixed"), "duplicate": _("Duplicate"), "not_responsible": _("Not our responsibility"),
            "no_action": _("No action needed")}.get(reason or "", reason or "")


TEMPLATE_HELPERS = {"report_status_label": status_label, "report_close_reason_label": close_reason_label}
