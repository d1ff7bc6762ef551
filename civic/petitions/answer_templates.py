"""Canned answers: each department keeps answer templates that its staff pick when answering.

A template's text may hold ``{receipt_no}`` (the petition's receipt number) and ``{name}`` (the
petitioner's display name); nothing else in braces is allowed, so a typo shows at once. Staff
of a department manage its templates (admins: any department's); every change is audited.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from civic import audit
from civic.accounts.models import Department, User
from civic.accounts.service import require_role
from civic.db import unit_of_work
from civic.errors import N_, Forbidden, NotFound, ValidationFailed
from civic.extensions import db
from civic.petitions.models import AnswerTemplate, Petition

PLACEHOLDERS = ("receipt_no", "name")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
TITLE_MAX = 200
BODY_MAX = 20_000


def _department(actor: User, department_code: str | None) -> Department:
    """The department whose templates the actor manages: their own; admins name one."""
    if actor.has_role("admin") and department_code:
        department = db.session.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            raise ValidationFailed({"department": N_("Unknown department.")})
        return department
    if actor.department is None:
        raise Forbidden(N_("Your account has no department."))
    return actor.department


def list_for(department_id: int) -> list[AnswerTemplate]:
    return list(db.session.scalars(select(AnswerTemplate).where(AnswerTemplate.department_id == department_id)
                                   .order_by(AnswerTemplate.title, AnswerTemplate.id)))


def templates(actor: User | None, department_code: str | None = None) -> tuple[Department, list[AnswerTemplate]]:
    actor = require_role(actor, "staff")
    department = _department(actor, department_code)
    return department, list_for(department.id)


def get(actor: User | None, template_id) -> AnswerTemplate:
    """A template the actor may use or edit: their department's (admins: any); 404 otherwise."""
    actor = require_role(actor, "staff")
    try:
        template = db.session.get(AnswerTemplate, int(template_id))
    except (TypeError, ValueError):
        template = None
    if template is None or not (actor.has_role("admin") or template.department_id == actor.department_id):
        raise NotFound(N_("No such answer template."))
    return template


def _validate(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = N_("Enter a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = N_("Use at most %(n)d characters.", n=TITLE_MAX)
    if not body:
        errors["body"] = N_("Write the answer text.")
    elif len(body) > BODY_MAX:
        errors["body"] = N_("Use at most %(n)d characters.", n=BODY_MAX)
    else:
        unknown = sorted({name for name in PLACEHOLDER_RE.findall(body) if name not in PLACEHOLDERS})
        if unknown:
            errors["body"] = N_("Unknown placeholder %(names)s: use {receipt_no} or {name}.",
                                names=", ".join("{" + name + "}" for name in unknown))
    if errors:
        raise ValidationFailed(errors)
    return title, body


def create(actor: User | None, title: str, body: str, department_code: str | None = None) -> AnswerTemplate:
    actor = require_role(actor, "staff")
    department = _department(actor, department_code)
    title, body = _validate(title, body)
    with unit_of_work():
        template = AnswerTemplate(department_id=department.id, title=title, body=body)
        db.session.add(template)
        db.session.flush()
        audit.record(actor, "answer_template.create", "answer_template", template.id,
                     department_id=department.id, title=title)
    return template


def update(actor: User | None, template_id, title: str, body: str) -> AnswerTemplate:
    template = get(actor, template_id)
    title, body = _validate(title, body)
    with unit_of_work():
        template.title, template.body = title, body
        audit.record(actor, "answer_template.update", "answer_template", template.id,
                     department_id=template.department_id, title=title)
    return template


def delete(actor: User | None, template_id) -> None:
    template = get(actor, template_id)
    with unit_of_work():
        audit.record(actor, "answer_template.delete", "answer_template", template.id,
                     department_id=template.department_id, title=template.title)
        db.session.delete(template)


def render(template: AnswerTemplate, petition: Petition) -> str:
    """The template's text for this petition, its placeholders filled in."""
    values = {"receipt_no": petition.receipt_no, "name": petition.petitioner.display_name or ""}
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template.body)


def for_answer(actor: User | None, petition: Petition, template_id) -> str:
    """The filled-in text of a template of the petition's department, for its answer form."""
    template = get(actor, template_id)
    if template.department_id != petition.department_id:
        raise NotFound(N_("No such answer template."))
    return render(template, petition)
