"""JSON face of participation under /api/v1 (polls, proposals) and /api/v1/staff (staff actions)."""

from __future__ import annotations

from flask import Response

from civic.accounts.auth import current_user, login_required, role_required
from civic.accounts.schemas import AssignSchema
from civic.api import make_blueprint
from civic.api.pagination import page_headers
from civic.api.requests import IDEMPOTENCY_DOC, idempotency_key
from civic.csv_export import rows_to_csv
from civic.participation import schemas, service
from civic.participation.ratelimits import limited

bp = make_blueprint("participation_api", __name__, description="Policy polls and citizen proposals")
staff_bp = make_blueprint("participation_staff_api", __name__, url_prefix="/staff",
                          description="Staff: poll creation, proposal moderation and official responses")

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


@staff_bp.before_request
def _staff_only():
    """Authenticate and authorize before the body is parsed: an anonymous or citizen caller
    gets 401/403, never a 422 that reveals the expected body (the services check again)."""
    from civic.accounts.service import require_role

    require_role(current_user(), "staff")


# --- polls ------------------------------------------------------------------------------------

@bp.route("/polls")
@bp.arguments(schemas.PollListArgs, location="query")
@bp.response(200, schemas.PollSchema(many=True))
def list_polls(args):
    """Polls: `state` open, upcoming or closed (default all, newest first)."""
    page = service.list_polls(args.get("state"), args.get("district"), args["page"], args["per_page"])
    user = current_user()
    return [service.view_poll(user, poll) for poll in page.items], page_headers(page)


@bp.route("/polls/<int:poll_id>")
@bp.response(200, schemas.PollSchema)
def get_poll(poll_id):
    """One poll; option counts and `total_votes` are null until results are visible to you."""
    return service.view_poll(current_user(), service.get_poll(poll_id))


@bp.route("/polls/<int:poll_id>/vote", methods=["POST"])
@limited("PARTICIPATION_VOTE_RATE_LIMIT")
@bp.arguments(schemas.VoteSchema, location="json")
@bp.response(201, schemas.PollSchema)
@bp.doc(security=BEARER)
@login_required
def vote(data, poll_id):
    """Vote once per poll (409 on a second vote unless the poll allows changing it)."""
    user = current_user()
    service.cast_vote(user, poll_id, data["option_id"])
    return service.view_poll(user, service.get_poll(poll_id))


@bp.route("/polls/<int:poll_id>/results")
@bp.response(200, schemas.ResultsSchema)
def results(poll_id):
    """Counts per option (never who voted), once results are visible to you."""
    return service.export_results(current_user(), poll_id)


@bp.route("/polls/<int:poll_id>/results.csv")
@bp.doc(responses={"200": {"description": "CSV: option_id, label, votes, percent",
                           "content": {"text/csv": {"schema": {"type": "string"}}}}})
def results_csv(poll_id):
    """The same counts as CSV."""
    return results_csv_response(service.export_results(current_user(), poll_id))


def results_csv_response(data: dict) -> Response:
    rows = [[option["id"], option["label"], option["votes"], option["percent"]] for option in data["options"]]
    rows.append(["", "total", data["total_votes"], 100.0 if data["total_votes"] else 0.0])
    response = Response(rows_to_csv(["option_id", "label", "votes", "percent"], rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="poll-{data["poll_id"]}-results.csv"'
    return response


# --- proposals --------------------------------------------------------------------------------

@bp.route("/proposals")
@bp.arguments(schemas.ProposalListArgs, location="query")
@bp.response(200, schemas.ProposalSchema(many=True))
def list_proposals(args):
    """Public proposals; `sort` newest, supports or near_threshold."""
    page = service.list_proposals(args["sort"], args.get("status"), args.get("district"),
                                  args.get("category"), args["page"], args["per_page"])
    return page.items, page_headers(page)


@bp.route("/proposals/categories")
@bp.response(200, schemas.ProposalCategorySchema(many=True))
def proposal_categories():
    """The categories a proposal is filed under (`category` of `POST /proposals`), with their
    Korean and English names and the department that answers proposals of each."""
    from flask import current_app
    from flask_babel import force_locale

    from civic.participation.labels import CATEGORY_LABELS

    departments = current_app.config["PROPOSAL_CATEGORY_DEPARTMENTS"]
    rows = []
    for code in service.categories():
        label = CATEGORY_LABELS.get(code, code)
        with force_locale("ko"):
            name_ko = str(label)
        with force_locale("en"):
            name_en = str(label)
        rows.append({"code": code, "name_ko": name_ko, "name_en": name_en, "department": departments.get(code)})
    return rows


@bp.route("/proposals", methods=["POST"])
@limited("PARTICIPATION_SUBMIT_RATE_LIMIT")
@bp.arguments(schemas.ProposalCreateSchema, location="json")
@bp.response(201, schemas.ProposalSchema)
@bp.doc(security=BEARER, parameters=[IDEMPOTENCY_DOC])
@login_required
def create_proposal(data):
    """Draft (`submit: false`) or submit a proposal for moderation. Safe to retry with an
    `Idempotency-Key`."""
    return service.create_proposal(current_user(), **data, client_token=idempotency_key())


@bp.route("/proposals/mine")
@bp.arguments(schemas.PageArgs, location="query")
@bp.response(200, schemas.ProposalSchema(many=True))
@bp.doc(security=BEARER)
@login_required
def my_proposals(args):
    """Your proposals in every status, with the moderator's reason when hidden."""
    page = service.list_mine(current_user(), args["page"], args["per_page"])
    return page.items, page_headers(page)


@bp.route("/proposals/<int:proposal_id>")
@bp.response(200, schemas.ProposalSchema)
def get_proposal(proposal_id):
    """One proposal with `status`, `supports` and the official response once answered."""
    return service.get_proposal(current_user(), proposal_id)


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@limited("PARTICIPATION_SUBMIT_RATE_LIMIT")
@bp.response(200, schemas.ProposalSchema)
@bp.doc(security=BEARER)
@login_required
def submit_proposal(proposal_id):
    """Send your draft to moderation."""
    return service.submit_proposal(current_user(), proposal_id)


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@limited("PARTICIPATION_SUPPORT_RATE_LIMIT")
@bp.response(201, schemas.ProposalSchema)
@bp.doc(security=BEARER)
@login_required
def support(proposal_id):
    """Support a proposal (once per account; 409 when already supported)."""
    return service.support(current_user(), proposal_id)


@bp.route("/proposals/<int:proposal_id>/support", methods=["DELETE"])
@limited("PARTICIPATION_SUPPORT_RATE_LIMIT")
@bp.response(200, schemas.ProposalSchema)
@bp.doc(security=BEARER)
@login_required
def withdraw_support(proposal_id):
    """Withdraw your support while the proposal is open."""
    return service.withdraw_support(current_user(), proposal_id)


@bp.route("/proposals/<int:proposal_id>/comments")
@bp.arguments(schemas.PageArgs, location="query")
@bp.response(200, schemas.CommentSchema(many=True))
def list_comments(args, proposal_id):
    """Comments, oldest first (hidden ones are left out)."""
    user = current_user()
    page = service.list_comments(user, service.get_proposal(user, proposal_id), args["page"], args["per_page"])
    return page.items, page_headers(page)


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@limited("PARTICIPATION_COMMENT_RATE_LIMIT")
@bp.arguments(schemas.CommentCreateSchema, location="json")
@bp.response(201, schemas.CommentSchema)
@bp.doc(security=BEARER, parameters=[IDEMPOTENCY_DOC])
@login_required
def add_comment(data, proposal_id):
    """Comment on a public proposal. Safe to retry with an `Idempotency-Key`."""
    return service.add_comment(current_user(), proposal_id, data["body"], client_token=idempotency_key())


@bp.route("/proposals/comments/<int:comment_id>/report", methods=["POST"])
@limited("PARTICIPATION_COMMENT_RATE_LIMIT")
@bp.arguments(schemas.ReportSchema, location="json")
@bp.response(200, schemas.CommentSchema)
@bp.doc(security=BEARER)
@login_required
def report_comment(data, comment_id):
    """Report an abusive comment to the moderators."""
    return service.report_comment(current_user(), comment_id, data["reason"])


# --- staff ------------------------------------------------------------------------------------

@staff_bp.route("/polls", methods=["POST"])
@staff_bp.arguments(schemas.PollCreateSchema, location="json")
@staff_bp.response(201, schemas.PollSchema)
@staff_bp.doc(security=BEARER, parameters=[IDEMPOTENCY_DOC])
@role_required("staff")
def create_poll(data):
    """Create a poll (staff). Times without an offset are the city's wall-clock time (CIVIC_TIMEZONE).
    Safe to retry with an `Idempotency-Key`."""
    user = current_user()
    data["question_ko"] = data.pop("question")
    poll = service.create_poll(user, **data, client_token=idempotency_key())
    return service.view_poll(user, poll)


@staff_bp.route("/polls/<int:poll_id>/close", methods=["POST"])
@staff_bp.response(200, schemas.PollSchema)
@staff_bp.doc(security=BEARER)
@role_required("staff")
def close_poll(poll_id):
    """Close a poll now; its results are kept."""
    user = current_user()
    return service.view_poll(user, service.close_poll(user, poll_id))


@staff_bp.route("/proposals/moderation")
@staff_bp.arguments(schemas.PageArgs, location="query")
@staff_bp.response(200, schemas.ProposalSchema(many=True))
@staff_bp.doc(security=BEARER)
@role_required("staff")
def moderation_queue(args):
    """Submitted proposals waiting for moderation, oldest first."""
    page = service.moderation_queue(current_user(), args["page"], args["per_page"])
    return page.items, page_headers(page)


@staff_bp.route("/proposals/review")
@staff_bp.arguments(schemas.PageArgs, location="query")
@staff_bp.response(200, schemas.ProposalSchema(many=True))
@staff_bp.doc(security=BEARER)
@role_required("staff")
def review_queue(args):
    """Proposals your department must answer, by response deadline."""
    page = service.review_queue(current_user(), args["page"], args["per_page"])
    return page.items, page_headers(page)


@staff_bp.route("/proposals/<int:proposal_id>/publish", methods=["POST"])
@staff_bp.response(200, schemas.ProposalSchema)
@staff_bp.doc(security=BEARER)
@role_required("staff")
def publish(proposal_id):
    """Publish a submitted proposal."""
    return service.publish_proposal(current_user(), proposal_id)


@staff_bp.route("/proposals/<int:proposal_id>/hide", methods=["POST"])
@staff_bp.arguments(schemas.HideSchema, location="json")
@staff_bp.response(200, schemas.ProposalSchema)
@staff_bp.doc(security=BEARER)
@role_required("staff")
def hide(data, proposal_id):
    """Hide a proposal with a reason the author sees."""
    return service.hide_proposal(current_user(), proposal_id, data["reason"])


@staff_bp.route("/proposals/<int:proposal_id>/assign", methods=["POST"])
@staff_bp.arguments(AssignSchema, location="json")
@staff_bp.response(200, schemas.StaffProposalSchema)
@staff_bp.doc(security=BEARER)
@role_required("staff")
def assign(data, proposal_id):
    """Assign a proposal under review to a staff member of its department (`user`: null for nobody)."""
    return service.assign_proposal(current_user(), proposal_id, data["user"])


@staff_bp.route("/proposals/<int:proposal_id>/respond", methods=["POST"])
@staff_bp.arguments(schemas.RespondSchema, location="json")
@staff_bp.response(200, schemas.ProposalSchema)
@staff_bp.doc(security=BEARER)
@role_required("staff")
def respond(data, proposal_id):
    """Publish the department's official response (accepted, partly_accepted or declined)."""
    return service.respond(current_user(), proposal_id, data["outcome"], data["body"])


@staff_bp.route("/proposals/comments/reported")
@staff_bp.arguments(schemas.PageArgs, location="query")
@staff_bp.response(200, schemas.CommentSchema(many=True))
@staff_bp.doc(security=BEARER)
@role_required("staff")
def reported_comments(args):
    """Visible comments that citizens reported, most reported first."""
    page = service.reported_comments(current_user(), args["page"], args["per_page"])
    return page.items, page_headers(page)


@staff_bp.route("/proposals/comments/<int:comment_id>/hide", methods=["POST"])
@staff_bp.arguments(schemas.ReportSchema, location="json")
@staff_bp.response(200, schemas.CommentSchema)
@staff_bp.doc(security=BEARER)
@role_required("staff")
def hide_comment(data, comment_id):
    """Hide a comment (with an optional reason)."""
    return service.hide_comment(current_user(), comment_id, data["reason"])
