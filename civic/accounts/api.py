from __future__ import annotations

from marshmallow import Schema, fields

from civic.accounts import service
from civic.accounts.auth import current_user, login_required, signed_in_user
from civic.accounts.schemas import DepartmentSchema
from civic.api import make_blueprint

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
