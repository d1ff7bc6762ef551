"""Staff pages for a department's canned answers (``/staff/petitions/answer-templates``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from civic.accounts.auth import current_user, role_required, signed_in_user
from civic.accounts.service import list_departments
from civic.forms import submit
from civic.petitions import answer_templates
from civic.petitions.forms import AnswerTemplateForm

bp = Blueprint("petition_templates", __name__)


@bp.route("/staff/petitions/answer-templates")
@role_required("staff")
def index():
    user = signed_in_user()
    code = request.args.get("department") or None
    if user.has_role("admin") and not code and user.department is None:
        departments = list_departments()
        code = departments[0].code if departments else None
    department, items = answer_templates.templates(user, code)
    locale = str(get_locale())
    choices = [(d.code, d.name(locale)) for d in list_departments()] if user.has_role("admin") else None
    return render_template("petitions/staff_answer_templates.html", department=department, items=items,
                           departments=choices, placeholders=answer_templates.PLACEHOLDERS)


@bp.route("/staff/petitions/answer-templates/new", methods=["GET", "POST"])
@role_required("staff")
def new():
    form = AnswerTemplateForm()
    code = request.values.get("department") or None
    department, _items = answer_templates.templates(signed_in_user(), code)
    done = submit(form, lambda: answer_templates.create(current_user(), form.title.data, form.body.data,
                                                        department.code),
                  success=_("The answer template was saved."),
                  redirect_to=url_for("petition_templates.index", department=department.code))
    if done:
        return done
    status = 422 if form.errors or form.form_errors else 200
    return render_template("petitions/staff_answer_template_form.html", form=form, department=department,
                           template=None), status


@bp.route("/staff/petitions/answer-templates/<int:template_id>", methods=["GET", "POST"])
@role_required("staff")
def edit(template_id):
    template = answer_templates.get(signed_in_user(), template_id)
    form = AnswerTemplateForm(obj=None if request.method == "POST" else template)
    done = submit(form, lambda: answer_templates.update(current_user(), template_id, form.title.data,
                                                        form.body.data),
                  success=_("The answer template was saved."),
                  redirect_to=url_for("petition_templates.index", department=template.department.code))
    if done:
        return done
    status = 422 if form.errors or form.form_errors else 200
    return render_template("petitions/staff_answer_template_form.html", form=form,
                           department=template.department, template=template), status


@bp.route("/staff/petitions/answer-templates/<int:template_id>/delete", methods=["POST"])
@role_required("staff")
def delete(template_id):
    template = answer_templates.get(signed_in_user(), template_id)
    code = template.department.code
    answer_templates.delete(current_user(), template_id)
    flash(_("The answer template was deleted."), "success")
    return redirect(url_for("petition_templates.index", department=code))
