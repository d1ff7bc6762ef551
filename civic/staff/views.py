from __future__ import annotations

from flask import Blueprint, render_template, request

from civic.accounts.auth import role_required, signed_in_user

bp = Blueprint("staff", __name__)


@bp.route("/staff")
@role_required("staff")
def index():
    """Links to the staff pages of the installed features (by endpoint name, via ``nav_url``),
    with the petition counts of the caller's department when petitions are installed."""
    user = signed_in_user()
    counts = None
    try:
        from civic.petitions.triage import status_counts
    except ImportError:
        pass
    else:
        if user.department_id is not None or user.has_role("admin"):
            counts = status_counts(user)
    return render_template("staff/index.html", user=user, petition_counts=counts, **_department_stats(user))


def _department_stats(user) -> dict:
    """The open statistics for the caller's department and its petitions due soon (stats feature)."""
    try:
        from civic.stats.staff import department_overview
    except ImportError:
        return {}
    return department_overview(user, request.args.get("days", 30, type=int))
