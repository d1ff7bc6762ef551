from __future__ import annotations

from flask import current_app
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


@bp.route("/accounts", methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
@bp.arguments(SignUpSchema, location="json")
@bp.response(201, UserSchema)
def sign_up(data):
    """Create a citizen account with an e-mail and password. ``privacy_consent`` must be the
    current notice version; without it the answer is 422 with an error on that field."""
    return service.register_local(data["email"], data["password"], data["display_name"],
                                  privacy_consent=data["privacy_consent"])
