from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from civic.accounts.auth import current_user, login_required, signed_in_user
from civic.errors import ValidationFailed
from civic.forms import refuse
from civic.notifications import devices, preferences, service

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread_notifications():
    """The header's "알림 3" on every page for a signed-in person (one indexed count)."""
    from flask import g

    user = g.get("user")
    return {"unread_notifications": service.unread_count(user) if user is not None else 0}


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


@bp.route("/account/devices")
@login_required
def devices_page():
    window = current_app.config["PERSONAL_PUSH_QUIET_HOURS"]
    quiet = f"{window[0]:%H:%M}–{window[1]:%H:%M}" if window else ""
    return render_template("notifications/devices.html", devices=devices.list_devices(current_user()),
                           vapid_key=current_app.config["VAPID_PUBLIC_KEY"], quiet=quiet,
                           prefs=preferences.preferences_of(signed_in_user().id))


@bp.route("/account/devices/preferences", methods=["POST"])
@login_required
def save_preferences():
    try:
        preferences.set_preferences(current_user(), petition_channel=request.form.get("petition_channel") or None,
                                    update_mail=request.form.get("update_mail") or None)
    except ValidationFailed as exc:
        return refuse(exc, "notifications.devices")
    flash(_("Your choices are saved."), "success")
    return redirect(url_for("notifications.devices", _anchor="email-updates"))


@bp.route("/account/devices/<int:device_id>/remove", methods=["POST"])
@login_required
def remove_device(device_id):
    devices.remove_device(current_user(), device_id)
    flash(_("The device will no longer receive your updates."), "success")
    return redirect(url_for("notifications.devices"))


# The endpoint the account hub links to.
bp.add_url_rule("/account/devices", endpoint="devices", view_func=devices_page)
