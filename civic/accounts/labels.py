"""Labels of account values in the page's language (``account_role_label``)."""

from __future__ import annotations

from flask_babel import gettext as _


def role_label(role: str | None) -> str:
    return {
        "citizen": _("Citizen"), "staff": _("Staff"), "department_admin": _("Department administrator"),
        "alert_officer": _("Alert officer"), "admin": _("Administrator"),
    }.get(role or "", role or "")


TEMPLATE_HELPERS = {"account_role_label": role_label}
