from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from civic.accounts import consent, oidc, service, sessions
from civic.accounts.auth import (
    current_session_token,
    current_user,
    login_required,
    login_session,
    logout_session,
    mark_private,
    safe_next,
    signed_in_user,
)
from civic.accounts.forms import ChangePasswordForm, DeleteAccountForm, LoginForm, OidcConsentForm, RegisterForm
from civic.errors import N_, NotFound, ValidationFailed
from civic.extensions import limiter
from civic.forms import apply_errors, submit

bp = Blueprint("accounts", __name__)


@bp.app_context_processor
def helpers():
    from civic.accounts.labels import TEMPLATE_HELPERS

    return TEMPLATE_HELPERS


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    next_url = request.values.get("next")
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data, request.remote_addr)
        except service.InvalidCredentials:
            form.form_errors.append(_("The e-mail or password is incorrect."))
        else:
            login_session(user)
            if user.locale:
                session["lang"] = user.locale
            flash(_("You are signed in."), "success")
            return redirect(safe_next(next_url))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/login.html", form=form, next=next_url,
                           providers=oidc.providers(current_app)), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register():
    form = RegisterForm()
    if not form.consent_version.data:
        form.consent_version.data = consent.CURRENT_VERSION
    if form.validate_on_submit():
        try:
            # The same page follows whether the address is new or already has an account (its
            # owner is told by mail): sign-up reveals nothing about other people's accounts.
            service.register_local(
                form.email.data, form.password.data, form.display_name.data,
                privacy_consent=form.consent_version.data if form.privacy_consent.data else None,
                locale=str(get_locale()))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return render_template("accounts/check_email.html", email=form.email.data, reason="signup")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/register.html", form=form, consent_items=consent.NOTICES[consent.LOCAL],
                           min_length=current_app.config["PASSWORD_MIN_LENGTH"]), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("site.home"))


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of the account: other phones and browsers, and this one."""
    # The CSRF token is checked by CSRFProtect, as for every form.
    sessions.sign_out_everywhere(signed_in_user())
    logout_session()
    flash(_("You are signed out on every device."), "success")
    return redirect(url_for("site.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    done = submit(form, lambda: service.change_password(signed_in_user(), form.current_password.data,
                                                        form.new_password.data, keep_session=current_session_token()),
                  success=_("Your password has been changed. Other devices are signed out."),
                  redirect_to=url_for("accounts.account"))
    if done:
        return done
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/password.html", form=form,
                           min_length=current_app.config["PASSWORD_MIN_LENGTH"]), status


@bp.route("/account")
@login_required
def account():
    user = current_user()
    return render_template("accounts/account.html", user=user, consent_record=consent.latest_for(user))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        service.delete_account(signed_in_user())
        logout_session()
        flash(_("Your account has been deleted."), "success")
        return redirect(url_for("site.home"))
    status = 422 if form.errors else 200
    return render_template("accounts/delete.html", form=form), status


@bp.route("/login/oidc/<name>")
@limiter.limit(_login_limit)
def oidc_start(name: str):
    client = oidc.client(name) if name in {p["name"] for p in oidc.providers(current_app)} else None
    if client is None:
        raise NotFound(N_("Unknown sign-in provider."))
    from requests import RequestException

    session["oidc_next"] = safe_next(request.args.get("next"))
    redirect_uri = url_for("accounts.oidc_callback", name=name, _external=True)
    try:
        return client.authorize_redirect(redirect_uri)
    except RequestException as exc:
        current_app.logger.warning("OIDC provider %s unreachable: %s", name, type(exc).__name__)
        flash(_("Sign-in with the provider failed. Please try again."), "error")
        return redirect(url_for("accounts.login"))


@bp.route("/login/oidc/<name>/callback")
def oidc_callback(name: str):
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError
    from requests import RequestException

    client = oidc.client(name) if name in {p["name"] for p in oidc.providers(current_app)} else None
    if client is None:
        raise NotFound(N_("Unknown sign-in provider."))
    try:
        token = client.authorize_access_token()
        claims = oidc.claims_for(client, token)
    except (OAuthError, JoseError, RequestException, ValueError, ValidationFailed) as exc:
        # A bad state, nonce, signature or code, or an unreachable provider: never a 500.
        current_app.logger.warning("OIDC sign-in with %s failed: %s", name, type(exc).__name__)
        flash(_("Sign-in with the provider failed. Please try again."), "error")
        return redirect(url_for("accounts.login"))
    if not claims:
        flash(_("Sign-in with the provider failed. Please try again."), "error")
        return redirect(url_for("accounts.login"))
    next_url = session.pop("oidc_next", None)
    session.pop(OIDC_SIGNUP, None)
    try:
        known = service.oidc_identity(name, dict(claims)) is not None
    except ValidationFailed:
        flash(_("Sign-in with the provider failed. Please try again."), "error")
        return redirect(url_for("accounts.login"))
    if not known:
        # A new person: no account until they accept the personal-data notice. The verified
        # claims wait in the (signed) session, and only those civic uses.
        session[OIDC_SIGNUP] = {
            "provider": name, "next": next_url, "expires": int(time.time()) + OIDC_SIGNUP_SECONDS,
            "claims": {key: claims[key] for key in ("sub", *oidc.WANTED_CLAIMS) if key in claims}}
        return redirect(url_for("accounts.oidc_consent"))
    user = service.sign_in_oidc(name, dict(claims))
    login_session(user)
    flash(_("You are signed in."), "success")
    return redirect(safe_next(next_url))


OIDC_SIGNUP = "oidc_signup"
OIDC_SIGNUP_SECONDS = 15 * 60


def _pending_oidc_signup() -> dict | None:
    pending = session.get(OIDC_SIGNUP)
    if not isinstance(pending, dict) or pending.get("expires", 0) < time.time():
        session.pop(OIDC_SIGNUP, None)
        return None
    return pending


@bp.route("/login/oidc/consent", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def oidc_consent():
    """The personal-data notice between the provider's answer and the account's creation, as in
    local sign-up: accepting creates the account; declining forgets the provider's answer."""
    mark_private()
    pending = _pending_oidc_signup()
    if pending is None:
        flash(_("The sign-up through the provider has expired. Please start again."), "error")
        return redirect(url_for("accounts.login"))
    form = OidcConsentForm()
    if not form.consent_version.data:
        form.consent_version.data = consent.VERSIONS[consent.OIDC]
    if form.is_submitted() and request.form.get("action") == "decline":
        if form.validate():  # the CSRF token
            session.pop(OIDC_SIGNUP, None)
            flash(_("No account was created, and nothing the provider sent was kept."), "success")
            return redirect(url_for("site.home"))
    elif form.validate_on_submit():
        try:
            user = service.sign_in_oidc(
                pending["provider"], dict(pending["claims"]),
                privacy_consent=form.consent_version.data if form.privacy_consent.data else None)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            login_session(user)  # (clears the pending sign-up with the rest of the session)
            flash(_("Your account has been created. You are signed in."), "success")
            return redirect(safe_next(pending.get("next")))
    provider = next((p["label"] for p in oidc.providers(current_app) if p["name"] == pending["provider"]),
                    pending["provider"])
    status = 422 if form.errors or form.form_errors else 200
    return render_template("accounts/oidc_consent.html", form=form, consent_items=consent.NOTICES[consent.OIDC],
                           provider=provider, claims=pending["claims"]), status
