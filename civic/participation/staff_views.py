"""Staff pages under /staff/participation: moderation, official responses, polls."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from civic.accounts.auth import current_user, role_required
from civic.accounts.service import department_staff
from civic.csv_export import csv_response
from civic.errors import Conflict, DomainError, ValidationFailed
from civic.formatting import format_when
from civic.forms import district_choices, refuse, submit
from civic.geo import district_name
from civic.participation import responses, service
from civic.participation.forms import HideForm, PollForm, RespondForm
from civic.participation.labels import CATEGORY_LABELS, category_label
from civic.staff import desk
from civic.timezone import local_now

bp = Blueprint("participation_staff", __name__)


@bp.route("/staff/participation")
@role_required("staff")
def index():
    user = current_user()
    return render_template(
        "participation/staff/index.html",
        moderation=service.moderation_queue(user, per_page=50), review=service.review_queue(user, per_page=50),
        reported=service.reported_comments(user, per_page=50),
        polls=[service.view_poll(user, p) for p in service.list_polls(None, per_page=20).items])


def _review_args() -> dict:
    return {"sort": request.args.get("sort") or "due", "district": request.args.get("district") or None,
            "category": request.args.get("category") or None, "assignee": request.args.get("assignee") or None}


@bp.route("/staff/participation/review")
@role_required("staff")
def review():
    """Proposals under review as a staff desk table (sortable, filters in the URL, CSV)."""
    args = _review_args()
    try:
        page = responses.review_queue(current_user(), request.args.get("page", 1, type=int), desk.PAGE_SIZE,
                                      **args)
    except ValidationFailed:
        abort(400)
    return render_template("participation/staff/review.html", page=page, review_flags=responses.review_flags,
                           districts=district_choices(_("All districts")), categories=list(CATEGORY_LABELS),
                           sort_links=desk.sort_links("participation_staff.review", args["sort"],
                                                      ("due", "received", "district", "assignee")),
                           export_url=desk.export_url("participation_staff.review_export"))


@bp.route("/staff/participation/review/export.csv")
@role_required("staff")
def review_export():
    try:
        items = responses.review_export(current_user(), limit=desk.EXPORT_MAX_ROWS, **_review_args())
    except ValidationFailed:
        abort(400)
    header = [_("Number"), _("Title"), _("Category"), _("District"), _("Supports"), _("Assignee"), _("Received"),
              _("Response due")]
    rows = [[p.id, p.title, category_label(p.category), district_name(p.district_code) if p.district_code else "",
             p.supports_count, (p.assignee.display_name or p.assignee.email or "") if p.assignee else "",
             format_when(p.threshold_reached_at) if p.threshold_reached_at else "",
             format_when(p.response_due_at) if p.response_due_at else ""] for p in items]
    return csv_response(header, rows, "proposals-under-review.csv")


@bp.route("/staff/participation/polls/new", methods=["GET", "POST"])
@role_required("staff")
def new_poll():
    form = PollForm()
    form.district_code.choices = district_choices(_("Whole city"))
    if request.method == "GET":
        start = local_now().replace(second=0, microsecond=0, tzinfo=None)
        form.opens_at.data = form.opens_at.data or start
        form.closes_at.data = form.closes_at.data or start + timedelta(days=7)
    done = submit(form, lambda: service.create_poll(
                      current_user(), question_ko=form.question_ko.data, question_en=form.question_en.data or "",
                      description=form.description.data or "", options=form.options.data.splitlines(),
                      opens_at=form.opens_at.data, closes_at=form.closes_at.data,
                      district_code=form.district_code.data or None,
                      results_visibility=form.results_visibility.data,
                      allow_vote_change=form.allow_vote_change.data),
                  success=_("The poll has been created."),
                  redirect_to=lambda poll: url_for("participation.poll_detail", poll_id=poll.id))
    if done:
        return done
    status = 422 if form.errors or form.form_errors else 200
    return render_template("participation/staff/poll_form.html", form=form), status


@bp.route("/staff/participation/polls/<int:poll_id>/close", methods=["POST"])
@role_required("staff")
def close_poll(poll_id):
    try:
        service.close_poll(current_user(), poll_id)
    except DomainError as exc:
        return refuse(exc, "participation_staff.index")
    flash(_("The poll has been closed."), "success")
    return redirect(url_for("participation_staff.index"))


@bp.route("/staff/participation/proposals/<int:proposal_id>")
@role_required("staff")
def proposal(proposal_id, hide_form=None, respond_form=None, status=200):
    user = current_user()
    proposal = service.get_proposal(user, proposal_id)
    may_respond = service.may_respond(user, proposal)
    return render_template("participation/staff/proposal.html", proposal=proposal,
                           hide_form=hide_form or HideForm(), respond_form=respond_form or RespondForm(),
                           may_respond=may_respond, threshold=service.threshold(),
                           assignable=department_staff(proposal.department_id) if may_respond else []), status


@bp.route("/staff/participation/proposals/<int:proposal_id>/assign", methods=["POST"])
@role_required("staff")
def assign(proposal_id):
    try:
        proposal = responses.assign_proposal(current_user(), proposal_id, request.form.get("user", ""))
    except (ValidationFailed, Conflict) as exc:  # (another department's staff: Forbidden, a 403 page)
        return refuse(exc, "participation_staff.proposal", proposal_id=proposal_id)
    flash(_("The proposal was assigned.") if proposal.assignee else _("The proposal is assigned to nobody."),
          "success")
    return redirect(url_for("participation_staff.proposal", proposal_id=proposal_id))


@bp.route("/staff/participation/proposals/<int:proposal_id>/publish", methods=["POST"])
@role_required("staff")
def publish(proposal_id):
    try:
        service.publish_proposal(current_user(), proposal_id)
    except DomainError as exc:
        return refuse(exc, "participation_staff.proposal", proposal_id=proposal_id)
    flash(_("The proposal has been published."), "success")
    return redirect(url_for("participation_staff.index"))


@bp.route("/staff/participation/proposals/<int:proposal_id>/hide", methods=["POST"])
@role_required("staff")
def hide(proposal_id):
    form = HideForm()
    done = submit(form, lambda: service.hide_proposal(current_user(), proposal_id, form.reason.data),
                  success=_("The proposal has been hidden and its author told why."),
                  redirect_to=url_for("participation_staff.index"),
                  refuse_to=url_for("participation_staff.proposal", proposal_id=proposal_id))
    return done or proposal(proposal_id, hide_form=form, status=422)


@bp.route("/staff/participation/proposals/<int:proposal_id>/respond", methods=["POST"])
@role_required("staff")
def respond(proposal_id):
    form = RespondForm()
    done = submit(form, lambda: service.respond(current_user(), proposal_id, form.outcome.data, form.body.data),
                  success=_("The official response has been published."),
                  redirect_to=url_for("participation.proposal_detail", proposal_id=proposal_id),
                  refuse_to=url_for("participation_staff.proposal", proposal_id=proposal_id))
    return done or proposal(proposal_id, respond_form=form, status=422)


@bp.route("/staff/participation/comments/<int:comment_id>/hide", methods=["POST"])
@role_required("staff")
def hide_comment(comment_id):
    try:
        service.hide_comment(current_user(), comment_id, request.form.get("reason", ""))
    except DomainError as exc:
        return refuse(exc, "participation_staff.index")
    flash(_("The comment has been hidden."), "success")
    return redirect(url_for("participation_staff.index"))
