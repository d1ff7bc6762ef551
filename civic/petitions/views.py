"""Citizen pages: my petitions, file a petition, a petition with its timeline and answer."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from civic.accounts.auth import confirmed_required, current_user
from civic.errors import Conflict, ValidationFailed
from civic.formatting import format_when
from civic.forms import apply_errors, district_choices, submit
from civic.petitions import labels, service
from civic.petitions.forms import PetitionForm, RatingForm, WithdrawForm
from civic.petitions.models import STATUSES
from civic.petitions.service import Upload
from civic.uploads import send_upload

bp = Blueprint("petitions", __name__)


@bp.app_context_processor
def helpers():
    return {**labels.TEMPLATE_HELPERS, "petition_flags": service.flags, "petition_statuses": STATUSES,
            "latest_petition_answer": lambda: service.latest_answer(current_user())}


def _petition_form() -> PetitionForm:
    form = PetitionForm()
    locale = str(get_locale())
    form.type.choices = [("", _("Choose a type"))] + [
        (t.code, t.name(locale)) for t in service.list_types()]
    form.district.choices = district_choices(_("No district"))
    return form


@bp.route("/petitions")
def index():
    user = current_user()
    page = service.list_mine(user, request.args.get("page", 1, type=int)) if user else None
    return render_template("petitions/index.html", page=page)


@bp.route("/petitions/new", methods=["GET", "POST"])
@confirmed_required
def new():
    form = _petition_form()

    def file_petition():
        uploads = [Upload(f.stream, f.filename or "") for f in (form.attachments.data or [])
                   if getattr(f, "filename", None)]
        return service.file_petition(
            current_user(), type_code=form.type.data, title=form.title.data, body=form.body.data,
            district=form.district.data, lat=form.lat.data, lon=form.lon.data,
            contact_preference=form.contact_preference.data, contact_phone=form.contact_phone.data,
            uploads=uploads, client_token=form.client_token.data,
        )

    done = submit(form, file_petition,
                  success=lambda petition: _(
                      "Your petition was received. Receipt number %(receipt_no)s; we will answer by %(date)s.",
                      receipt_no=petition.receipt_no, date=format_when(petition.due_at)),
                  redirect_to=lambda petition: url_for("petitions.detail", receipt_no=petition.receipt_no, filed=1))
    if done:
        return done
    if request.method == "GET" and request.args.get("type"):
        form.type.data = request.args["type"]
    status = 422 if form.errors or form.form_errors else 200
    types = {t.code: t for t in service.list_types()}
    labels_by_need = _mark_required(form, types)
    return render_template("petitions/new.html", form=form, types=types, labels_by_need=labels_by_need,
                           requirements={code: list(t.required_fields or []) for code, t in types.items()},
                           max_attachments=current_app.config["PETITIONS_MAX_ATTACHMENTS"]), status


def _mark_required(form: PetitionForm, types: dict) -> dict[str, dict[str, str]]:
    """Label the fields the chosen type requires "(required)" and the others "(optional)"; the
    labels of both kinds go to the page so that choosing another type relabels them (petitions.js)."""
    texts = {
        "district": ("location", _("District (required)"), _("District (optional)")),
        "attachments": ("attachment", _("Photos (required, up to 5)"), _("Photos (optional, up to 5)")),
        "contact_phone": ("contact_phone", _("Phone number (required)"), _("Phone number (for contact by phone)")),
    }
    chosen = types.get(form.type.data or "")
    required = set(chosen.required_fields or []) if chosen is not None else set()
    for name, (need, when_required, when_optional) in texts.items():
        field = getattr(form, name)
        field.label.text = when_required if need in required else when_optional
        if need in required:
            field.render_kw = {**(field.render_kw or {}), "aria-required": "true"}
    return {name: {"need": need, "required": r, "optional": o} for name, (need, r, o) in texts.items()}


def _render_detail(petition, withdraw_form=None, rating_form=None, status=200):
    user = current_user()
    return render_template(
        "petitions/detail.html", petition=petition, events=service.public_events(petition),
        withdraw_form=withdraw_form or WithdrawForm(prefix="withdraw"),
        rating_form=rating_form or RatingForm(prefix="rating"),
        is_petitioner=user is not None and user.id == petition.petitioner_id,
        filed=request.args.get("filed") == "1",
    ), status


@bp.route("/petitions/<receipt_no>")
def detail(receipt_no):
    return _render_detail(service.get_petition(current_user(), receipt_no))


@bp.route("/petitions/<receipt_no>/withdraw", methods=["POST"])
def withdraw(receipt_no):
    form = WithdrawForm(prefix="withdraw")
    if form.validate_on_submit():
        try:
            service.withdraw(current_user(), receipt_no, form.reason.data)
        except Conflict:
            flash(_("An answered petition can no longer be withdrawn."), "error")
        else:
            flash(_("Your petition was withdrawn."), "success")
        return redirect(url_for("petitions.detail", receipt_no=receipt_no))
    return _render_detail(service.get_petition(current_user(), receipt_no), withdraw_form=form, status=422)


@bp.route("/petitions/<receipt_no>/rating", methods=["POST"])
def rating(receipt_no):
    form = RatingForm(prefix="rating")
    if form.validate_on_submit():
        try:
            service.rate(current_user(), receipt_no, form.score.data, form.comment.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except Conflict:
            flash(_("This answer cannot be rated now."), "error")
            return redirect(url_for("petitions.detail", receipt_no=receipt_no))
        else:
            flash(_("Thank you for rating the answer."), "success")
            return redirect(url_for("petitions.detail", receipt_no=receipt_no))
    return _render_detail(service.get_petition(current_user(), receipt_no), rating_form=form, status=422)


@bp.route("/petitions/<receipt_no>/attachments/<int:attachment_id>")
def attachment(receipt_no, attachment_id):
    """Attachments are private like the petition: served only after the visibility check."""
    item = service.get_attachment(current_user(), receipt_no, attachment_id)
    name = item.thumb_name if request.args.get("thumb") else item.stored_name
    return send_upload(name, max_age=3600, private=True, mimetype=item.content_type)

