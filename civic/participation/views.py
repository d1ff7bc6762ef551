"""Participation pages: /participate, /polls, /proposals (the staff pages under
/staff/participation are in staff_views). Thin: every rule is in the service."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from civic.accounts.auth import confirmed_required, current_user, login_required
from civic.errors import N_, DomainError, Forbidden, translate
from civic.forms import district_choices, refuse, submit
from civic.participation import labels, service
from civic.participation.api import results_csv_response
from civic.participation.forms import (
    CommentForm,
    ProposalForm,
    VoteForm,
)
from civic.participation.ratelimits import limited
from civic.uploads import send_upload

bp = Blueprint("participation", __name__)


@bp.app_context_processor
def _helpers():
    return labels.TEMPLATE_HELPERS


# --- hub ----------------------------------------------------------------------------------------

@bp.route("/participate")
def index():
    user = current_user()
    polls = [service.view_poll(user, p) for p in service.list_polls("open", per_page=3).items]
    near = service.list_proposals("near_threshold", per_page=3).items
    return render_template("participation/index.html", polls=polls, proposals=near,
                           threshold=service.threshold())


# --- polls --------------------------------------------------------------------------------------

@bp.route("/polls")
def polls():
    state = request.args.get("state", "open")
    if state not in service.POLL_STATES:
        state = "open"
    page = service.list_polls(state, request.args.get("district") or None, request.args.get("page", 1, type=int))
    user = current_user()
    views = [service.view_poll(user, p) for p in page.items]
    return render_template("participation/polls.html", page=page, polls=views, state=state)


@bp.route("/polls/<int:poll_id>", methods=["GET"])
def poll_detail(poll_id):
    return _render_poll(poll_id, VoteForm())


def _render_poll(poll_id, form, status=200):
    user = current_user()
    view = service.view_poll(user, service.get_poll(poll_id))
    form.option_id.choices = [(o.id, o.label) for o in view.options]
    if view.my_vote is not None and form.option_id.data is None:
        form.option_id.data = view.my_vote
    return render_template("participation/poll.html", view=view, poll=view.poll, form=form), status


@bp.route("/polls/<int:poll_id>/vote", methods=["POST"])
@limited("PARTICIPATION_VOTE_RATE_LIMIT")
@login_required
def vote(poll_id):
    poll = service.get_poll(poll_id)
    form = VoteForm()
    form.option_id.choices = [(o.id, o.label) for o in poll.options]
    done = submit(form, lambda: service.cast_vote(current_user(), poll_id, form.option_id.data),
                  success=_("Thank you, your vote has been recorded."),
                  redirect_to=url_for("participation.poll_detail", poll_id=poll_id) + "#results",
                  refuse_to=url_for("participation.poll_detail", poll_id=poll_id))
    return done or _render_poll(poll_id, form, 422)


@bp.route("/polls/<int:poll_id>/results.csv")
def poll_results_csv(poll_id):
    return results_csv_response(service.export_results(current_user(), poll_id))


@bp.route("/polls/<int:poll_id>/results.json")
def poll_results_json(poll_id):
    data = service.export_results(current_user(), poll_id)
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="poll-{poll_id}-results.json"'
    return response


# --- proposals ----------------------------------------------------------------------------------

@bp.route("/proposals")
def proposals():
    sort = request.args.get("sort", "newest")
    if sort not in service.SORTS:
        sort = "newest"
    page = service.list_proposals(sort, page=request.args.get("page", 1, type=int))
    return render_template("participation/proposals.html", page=page, sort=sort, threshold=service.threshold())


@bp.route("/proposals/mine")
@login_required
def my_proposals():
    page = service.list_mine(current_user(), request.args.get("page", 1, type=int))
    return render_template("participation/mine.html", page=page, threshold=service.threshold())


def _proposal_form(form: ProposalForm) -> ProposalForm:
    form.category.choices = [("", _("Choose…"))] + [(c, labels.category_label(c)) for c in service.categories()]
    form.district_code.choices = district_choices(_("Whole city"))
    return form


@bp.route("/proposals/new", methods=["GET", "POST"])
@limited("PARTICIPATION_SUBMIT_RATE_LIMIT")
@confirmed_required
def new_proposal():
    form = _proposal_form(ProposalForm())

    def create():
        photo = form.photo.data if form.photo.data and getattr(form.photo.data, "filename", "") else None
        return service.create_proposal(
            current_user(), title=form.title.data, body=form.body.data, category=form.category.data,
            district_code=form.district_code.data or None, photo=photo.stream if photo else None,
            submit=request.form.get("action") != "draft", client_token=form.client_token.data)

    done = submit(form, create, renew_token=True,
                  success=lambda proposal: _("Your draft has been saved.") if proposal.status == "draft"
                  else _("Thank you! Your proposal will be public once a moderator has checked it."),
                  redirect_to=lambda proposal: url_for("participation.proposal_detail", proposal_id=proposal.id))
    if done:
        return done
    status = 422 if form.errors or form.form_errors else 200
    return render_template("participation/proposal_form.html", form=form, proposal=None), status


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@login_required
def edit_proposal(proposal_id):
    proposal = service.get_proposal(current_user(), proposal_id)
    if not service.may_edit(current_user(), proposal):
        raise Forbidden(N_("Only drafts can be edited."))
    form = _proposal_form(ProposalForm(obj=proposal))
    back = url_for("participation.proposal_detail", proposal_id=proposal_id)
    done = submit(form, lambda: service.update_draft(
                      current_user(), proposal_id, title=form.title.data, body=form.body.data,
                      category=form.category.data, district_code=form.district_code.data or None,
                      submit=request.form.get("action") != "draft"),
                  success=_("Your proposal has been saved."), redirect_to=back, refuse_to=back)
    if done:
        return done
    status = 422 if form.errors or form.form_errors else 200
    return render_template("participation/proposal_form.html", form=form, proposal=proposal), status


@bp.route("/proposals/<int:proposal_id>")
def proposal_detail(proposal_id, comment_form=None, status=200):
    user = current_user()
    proposal = service.get_proposal(user, proposal_id)
    comments = service.list_comments(user, proposal, request.args.get("page", 1, type=int))
    threshold = service.threshold()
    return render_template(
        "participation/proposal.html", proposal=proposal, comments=comments, threshold=threshold,
        supported=service.has_supported(user, proposal), timeline=service.timeline(proposal),
        comment_form=comment_form or CommentForm(), is_moderator=service.is_moderator(user),
        may_edit=service.may_edit(user, proposal),
        progress=min(100, round(100 * proposal.supports_count / threshold)) if threshold else 100,
    ), status


@bp.route("/proposals/<int:proposal_id>/photo")
def proposal_photo(proposal_id):
    proposal = service.get_proposal(current_user(), proposal_id)
    if not proposal.photo_name:
        abort(404)
    name = proposal.photo_thumb_name if request.args.get("thumb") else proposal.photo_name
    if not name:
        abort(404)
    return send_upload(name, max_age=3600)


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@limited("PARTICIPATION_SUBMIT_RATE_LIMIT")
@login_required
def submit_proposal(proposal_id):
    try:
        service.submit_proposal(current_user(), proposal_id)
    except DomainError as exc:
        return refuse(exc, "participation.proposal_detail", proposal_id=proposal_id)
    flash(_("Thank you! Your proposal will be public once a moderator has checked it."), "success")
    return redirect(url_for("participation.proposal_detail", proposal_id=proposal_id))


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@limited("PARTICIPATION_SUPPORT_RATE_LIMIT")
@login_required
def support(proposal_id):
    withdraw = request.form.get("action") == "withdraw"
    if withdraw and request.form.get("confirm") != "yes":
        # Taking a support back is asked once more, on a page that works without JavaScript.
        return redirect(url_for("participation.withdraw_support_confirm", proposal_id=proposal_id))
    try:
        if withdraw:
            service.withdraw_support(current_user(), proposal_id)
        else:
            service.support(current_user(), proposal_id)
    except DomainError as exc:
        return refuse(exc, "participation.proposal_detail", proposal_id=proposal_id)
    flash(_("Your support has been withdrawn.") if withdraw else _("Thank you for your support."), "success")
    return redirect(url_for("participation.proposal_detail", proposal_id=proposal_id) + "#support")


@bp.route("/proposals/<int:proposal_id>/support/withdraw")
@login_required
def withdraw_support_confirm(proposal_id):
    proposal = service.get_proposal(current_user(), proposal_id)
    if not service.has_supported(current_user(), proposal):
        return redirect(url_for("participation.proposal_detail", proposal_id=proposal_id))
    return render_template("participation/withdraw_support.html", proposal=proposal,
                           reached=proposal.threshold_reached_at is not None)


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@limited("PARTICIPATION_COMMENT_RATE_LIMIT")
@login_required
def comment(proposal_id):
    form = CommentForm()
    back = url_for("participation.proposal_detail", proposal_id=proposal_id)
    done = submit(form, lambda: service.add_comment(current_user(), proposal_id, form.body.data,
                                                    client_token=form.client_token.data),
                  success=_("Your comment has been posted."), redirect_to=back + "#comments", refuse_to=back)
    return done or proposal_detail(proposal_id, comment_form=form, status=422)


@bp.route("/proposals/comments/<int:comment_id>/report", methods=["POST"])
@limited("PARTICIPATION_COMMENT_RATE_LIMIT")
@login_required
def report_comment(comment_id):
    proposal_id = request.form.get("proposal_id", type=int)
    try:
        comment = service.report_comment(current_user(), comment_id, request.form.get("reason", ""))
        proposal_id = comment.proposal_id
        flash(_("Thank you. A moderator will look at this comment."), "success")
    except DomainError as exc:
        flash(translate(exc.detail), "error")
    if proposal_id is None:
        return redirect(url_for("participation.proposals"))
    return redirect(url_for("participation.proposal_detail", proposal_id=proposal_id) + "#comments")
