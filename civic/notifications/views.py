from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from civic.accounts.auth import current_user, login_required
from civic.notifications import service

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def index():
    page = service.list_for(current_user(), request.args.get("page", 1, type=int))
    return render_template("notifications/index.html", page=page)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    service.mark_read(current_user())
    flash(_("All notifications marked as read."), "success")
    return redirect(url_for("notifications.index"))
