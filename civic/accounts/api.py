from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from marshmallow import Schema, fields

from civic.accounts import service
from civic.accounts.auth import current_user, login_required, signed_in_user
from civic.accounts.schemas import DepartmentSchema
from civic.api import make_blueprint
from civic.extensions import limiter

bp = make_blueprint("accounts_api", __name__, description="The signed-in account and departments")


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String(allow_none=True)
    display_name = fields.String()
    role = fields.String()
    locale = fields.String(allow_none=True)
    email_confirmed = fields.Boolean(metadata={"description": "false until the mailed link is followed; "
                                                              "filing and commenting need it"})
    department = fields.Nested(DepartmentSchema, allow_none=True)


@bp.route("/me")
@bp.response(200, UserSchema)
@bp.doc(security=[{"bearerAuth": []}])
@login_required
def me():
    """The signed-in user."""
    return current_user()


@bp.route("/me", methods=["DELETE"])
@bp.response(204)
@bp.doc(security=[{"bearerAuth": []}])
@login_required
def delete_me():
    """Delete the signed-in account: personal data is removed or anonymised; public reports and
    proposals stay, shown as anonymous, and petitions stay as records with an anonymous petitioner."""
    service.delete_account(signed_in_user())
    return ""


@bp.route("/me/sessions", methods=["DELETE"])
@bp.response(204)
@bp.doc(security=[{"bearerAuth": []}])
@login_required
def delete_my_sessions():
    """Sign out everywhere: every browser session of the account ends on the server (this one
    too). Personal access tokens are not sessions; revoke them separately."""
    from civic.accounts.auth import logout_session
    from civic.accounts.sessions import sign_out_everywhere

    sign_out_everywhere(signed_in_user())
    logout_session()
    return ""


@bp.route("/departments")
@bp.response(200, DepartmentSchema(many=True))
def departments():
    """Every department, for routing and transfer choices."""
    return service.list_departments()


class ConsentItemSchema(Schema):
    heading = fields.String()
    text = fields.String()


class PrivacyConsentSchema(Schema):
    version = fields.String(metadata={"description": "send it back as `privacy_consent` to sign up"})
    items = fields.List(fields.Nested(ConsentItemSchema))


class SignUpSchema(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True)
    display_name = fields.String(load_default="")
    privacy_consent = fields.String(load_default=None, metadata={
        "description": "the version of the personal-data notice (GET /accounts/privacy-consent) the person "
                       "accepted; sign-up is refused without the current one"})


@bp.route("/accounts/privacy-consent")
@bp.response(200, PrivacyConsentSchema)
def privacy_consent():
    """The personal-data notice (개인정보 수집·이용 동의) to show before sign-up, in the request's
    language: purpose, items collected, retention and the right to refuse."""
    from civic.accounts import consent

    return {"version": consent.CURRENT_VERSION,
            "items": [{"heading": str(heading), "text": str(text)} for heading, text in consent.ITEMS]}


class AcceptedSchema(Schema):
    detail = fields.String(metadata={"description": "what happens next, in the request's language"})


@bp.route("/accounts", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.arguments(SignUpSchema, location="json")
@bp.response(202, AcceptedSchema)
def sign_up(data):
    """Ask for a citizen account with an e-mail and password. ``privacy_consent`` must be the
    current notice version; without it the answer is 422 with an error on that field.

    The answer is the same whether or not the address already has an account (202): a new
    account gets a confirmation link by mail (it may sign in and read, and file nothing until
    the link is followed); the owner of an existing one is told someone tried."""
    from flask_babel import get_locale

    service.register_local(data["email"], data["password"], data["display_name"],
                           privacy_consent=data["privacy_consent"], locale=str(get_locale()))
    return {"detail": _("Check your e-mail: we sent a message to this address with what to do next.")}


class PasswordResetRequestSchema(Schema):
    email = fields.String(required=True)


class PasswordResetSchema(Schema):
    password = fields.String(required=True)


@bp.route("/password-resets", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.arguments(PasswordResetRequestSchema, location="json")
@bp.response(202, AcceptedSchema)
def request_password_reset(data):
    """Mail a link to set a new password (valid 30 minutes, once) if an account has this
    address. Always 202 with the same answer; repeated requests for one address are throttled
    like sign-in."""
    from civic.accounts import recovery

    recovery.request_password_reset(data["email"], request.remote_addr)
    return {"detail": _("If an account uses this address, we sent it a link to set a new password.")}


@bp.route("/password-resets/<token>", methods=["PUT"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.arguments(PasswordResetSchema, location="json")
@bp.response(204)
def reset_password(data, token):
    """Set the new password with the token of a reset link: every session and personal access
    token of the account ends. An expired, used or altered token is 400."""
    from civic.accounts import recovery

    recovery.reset_password(token, data["password"])
    return ""


@bp.route("/me/email-confirmation", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.response(202, AcceptedSchema)
@bp.doc(security=[{"bearerAuth": []}])
@login_required
def resend_confirmation():
    """Send a new link that confirms the account's address (throttled)."""
    from civic.accounts import recovery

    recovery.request_confirmation(signed_in_user(), request.remote_addr)
    return {"detail": _("We sent a new link to your address.")}
