"""Mobile civil petitions (민원): filing, receipt numbers, routing, legal deadlines, staff
triage, transfers, answers and the audit trail."""

import os
import re

from flask import Flask

DEFAULTS = {
    # Working days a petition type gets when none is set.
    "PETITIONS_DEFAULT_DEADLINE_DAYS": "7",
    # Local time of day a deadline falls on (on its last working day).
    "PETITIONS_DUE_TIME": "18:00",
    # Holiday calendar of the ``holidays`` package for working days.
    "PETITIONS_HOLIDAY_COUNTRY": "KR",
    # "continue" keeps the deadline on transfer; "restart" counts again from the transfer.
    "PETITIONS_TRANSFER_DEADLINE": "continue",
    "PETITIONS_DUE_SOON_HOURS": "24",
    "PETITIONS_MAX_ATTACHMENTS": "5",
}
INTEGER_SETTINGS = ("PETITIONS_DEFAULT_DEADLINE_DAYS", "PETITIONS_DUE_SOON_HOURS", "PETITIONS_MAX_ATTACHMENTS")


def init_app(app: Flask) -> None:
    from civic.api import register_api
    from civic.petitions import api, cli, staff_views, views

    for name, default in DEFAULTS.items():
        app.config.setdefault(name, os.environ.get(name, default))
    for name in INTEGER_SETTINGS:
        app.config[name] = int(app.config[name])
    if app.config["PETITIONS_TRANSFER_DEADLINE"] not in ("continue", "restart"):
        raise RuntimeError("PETITIONS_TRANSFER_DEADLINE must be 'continue' or 'restart'")
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", str(app.config["PETITIONS_DUE_TIME"])):
        raise RuntimeError("PETITIONS_DUE_TIME must be HH:MM")
    app.register_blueprint(views.bp)
    app.register_blueprint(staff_views.bp)
    from civic.accounts.service import register_deletion_hook
    from civic.petitions.service import forget_user

    register_deletion_hook(forget_user)
    register_api(app, api.bp)
    register_api(app, api.staff_bp)
    app.cli.add_command(cli.petitions_cli)
