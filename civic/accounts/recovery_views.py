"""Pages of the mailed links: confirm the address, reset the password, change the address.

A link that expired, was used or was tampered with shows ``accounts/link_invalid.html`` (via
``LinkInvalid.template``) with a way to get a new link, never an error 500.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from civic.accounts import recovery
from civic.accounts.auth import current_user, login_required, logout_session, mark_private, signed_in_user
from civic.accounts.forms import EmailChangeForm, PasswordResetForm, PasswordResetRequestForm
from civic.accounts.views import bp
from civic.errors import ValidationFailed
from civic.extensions import limiter
from civic.forms import apply_errors, submit


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/account/confirm/<token>")
def confirm_email(token: str):
    mark_private()
    recovery.confirm_email(token)
    user = current_user()
    flash(_("Thank you: your e-mail address is confirmed."), "success")
    if user is None:
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.account"))


@bp.route("/account/confirm", methods=["POST"])
@limiter.limit(_login_limit)
@login_required
def resend_confirmation():
    recovery.request_confirmation(signed_in_user(), request.remote_addr)
    flash(_("We sent a new link to %(email)s. It may take a few minutes to arrive.",
            email=signed_in_user().email), "success")
    return redirect(request.form.get("next") or url_for("accounts.account"))


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def password_reset_request():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data, request.remote_addr)
        return render_template("accounts/check_email.html", email=form.email.data, reason="reset")
    status = 422 if form.errors else 200
    return render_template("accounts/password_reset_request.html", form=form), status


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def password_reset(token: str):
    mark_private()
    recovery.read_token(token, "reset")  # a dead link says so before anything is typed
    form = PasswordResetForm()

    def reset():
        recovery.reset_password(token, form.password.data)
        logout_session()

    done = submit(form, reset,
                  success=_("Your new password is set. Every device was signed out: sign in with the new password."),
                  redirect_to=url_for("accounts.login"))
    if done:
        return done
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/password_reset.html", form=form,
                           min_length=current_app.config["PASSWORD_MIN_LENGTH"]), status


@bp.route("/account/email", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@login_required
def change_email():
    form = EmailChangeForm()
    user = signed_in_user()
    if form.validate_on_submit():
        try:
            recovery.request_email_change(user, form.email.data, form.password.data, request.remote_addr)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return render_template("accounts/check_email.html", email=form.email.data, reason="change")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/email.html", form=form, user=user), status


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token: str):
    mark_private()
    recovery.confirm_email_change(token)
    flash(_("Your new e-mail address is confirmed and in use."), "success")
    if current_user() is None:
        return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.account"))
