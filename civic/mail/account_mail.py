"""Account mail: confirmation links, password reset, the warning to an address's owner, e-mail
change. All essential (no unsubscribe). Each handler runs after commit as a job."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from civic import events
from civic.accounts import recovery
from civic.accounts.models import User
from civic.extensions import db
from civic.formatting import format_when
from civic.mail.compose import Content, absolute
from civic.mail.outbox import send


def _user(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active and user.email else None


def _hours() -> int:
    from flask import current_app

    return int(current_app.config["EMAIL_CONFIRM_LINK_HOURS"])


def _account_mail(user: User | None, key: str, kind: str, write: Callable[[User], Content], *,
                  recipient: str | None = None) -> None:
    """Account mail is essential (no unsubscribe) and goes to the account's address unless
    ``recipient`` says otherwise."""
    if user is not None:
        send(user, key, lambda: write(user), kind=kind, essential=True, recipient=recipient)


def on_confirmation_requested(event: events.EmailConfirmationRequested) -> None:
    user = _user(event.user_id)
    if user is not None and user.email_confirmed:
        return
    _account_mail(user, f"confirm:{event.request_id}", "confirm", lambda user: Content(
        subject=_("Confirm your e-mail address"),
        paragraphs=[_("Welcome to the %(city)s civic service.", city=_city()),
                    _("Confirm that this address is yours to file petitions, reports and proposals. "
                      "The link works for %(hours)d hours and only once.", hours=_hours()),
                    _("If you did not create an account, ignore this e-mail: nothing happens without the link.")],
        action=(_("Confirm my address"), absolute(f"/account/confirm/{recovery.make_token(user, 'confirm')}"))))


def on_signup_for_existing(event: events.SignUpAttemptedForExistingAccount) -> None:
    _account_mail(_user(event.user_id), f"signup-existing:{event.request_id}", "signup_existing", lambda user: Content(
        subject=_("Someone tried to sign up with your address"),
        paragraphs=[_("Someone tried to create an account on the %(city)s civic service with this e-mail "
                      "address, which already has an account.", city=_city()),
                    _("If it was you, sign in, or reset your password if you have forgotten it. "
                      "If it was not you, you need not do anything: your account is unchanged.")],
        links=[(_("Sign in"), absolute("/login")), (_("Reset my password"), absolute("/password-reset"))]))


def on_password_reset_requested(event: events.PasswordResetRequested) -> None:
    _account_mail(_user(event.user_id), f"reset:{event.request_id}", "reset", lambda user: Content(
        subject=_("Reset your password"),
        paragraphs=[_("Someone (we hope you) asked to reset the password of your account."),
                    _("The link works for 30 minutes and only once. Setting a new password signs you out "
                      "on every device and revokes your access tokens."),
                    _("If you did not ask for it, ignore this e-mail: your password stays as it is.")],
        action=(_("Set a new password"), absolute(f"/password-reset/{recovery.make_token(user, 'reset')}"))))


def on_password_reset(event: events.PasswordReset) -> None:
    _account_mail(_user(event.user_id), f"reset-done:{event.request_id}", "reset_done", lambda user: Content(
        subject=_("Your password was changed"),
        paragraphs=[_("The password of your account was set with a reset link on %(when)s. Every device "
                      "was signed out.", when=format_when(_now())),
                    _("If it was not you, reset your password again at once.")],
        links=[(_("Reset my password"), absolute("/password-reset"))]))


def on_email_change_requested(event: events.EmailChangeRequested) -> None:
    user = _user(event.user_id)
    if user is not None and user.pending_email != event.new_email:
        return
    _account_mail(user, f"change:{event.request_id}", "email_change", lambda user: Content(
        subject=_("Confirm your new e-mail address"),
        paragraphs=[_("You asked to use this address for your account on the %(city)s civic service.",
                      city=_city()),
                    _("It replaces the old one only when you follow the link. The link works for %(hours)d "
                      "hours and only once.", hours=_hours())],
        action=(_("Confirm my new address"),
                absolute(f"/account/email/confirm/{recovery.make_token(user, 'change')}"))),
        recipient=event.new_email)


def on_email_changed(event: events.EmailChanged) -> None:
    user = db.session.get(User, event.user_id)
    if not event.old_email:
        return
    _account_mail(user, f"changed:{event.user_id}:{event.new_email}", "email_changed", lambda user: Content(
        subject=_("Your e-mail address was changed"),
        paragraphs=[_("The e-mail address of your account was changed to %(address)s. Mail about your "
                      "account now goes there.", address=_mask(event.new_email)),
                    _("If it was not you, reset your password with this address at once and tell us.")],
        links=[(_("Reset my password"), absolute("/password-reset"))]),
        recipient=event.old_email)


def _mask(address: str) -> str:
    local, _sep, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"


def _city() -> str:
    from flask import current_app

    return _(current_app.config["CITY_NAME"])


def _now():
    from civic.db import utcnow

    return utcnow()


def subscribe(app) -> None:
    events.subscribe(app, events.EmailConfirmationRequested, on_confirmation_requested, after_commit=True)
    events.subscribe(app, events.SignUpAttemptedForExistingAccount, on_signup_for_existing, after_commit=True)
    events.subscribe(app, events.PasswordResetRequested, on_password_reset_requested, after_commit=True)
    events.subscribe(app, events.PasswordReset, on_password_reset, after_commit=True)
    events.subscribe(app, events.EmailChangeRequested, on_email_change_requested, after_commit=True)
    events.subscribe(app, events.EmailChanged, on_email_changed, after_commit=True)
