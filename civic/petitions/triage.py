"""Staff rules: the department queue, assignment, status, transfer, notes and answers.
Every staff action is written to the audit log in its own unit of work.

Staff of another department get 404 for a petition (its existence is not revealed); accounts
without a staff role get 403 on every staff action.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from civic import audit, events
from civic.accounts.models import Department, User
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Conflict, NotFound, ValidationFailed
from civic.extensions import db
from civic.idempotency import clean_token, create_once
from civic.notifications.service import in_locale_of, notify
from civic.petitions import deadlines
from civic.petitions.facts import facts
from civic.petitions.models import STATUSES, Petition, PetitionEvent
from civic.petitions.queue import (  # noqa: F401  (the faces and other features use them here)
    SORTS,
    QueueFilter,
    assignable_staff,
    department_scope,
    queue,
    queue_export,
    queue_query,
    require_staff,
    status_counts,
    users_by_id,
)
from civic.petitions.service import (
    Upload,
    attachment_rows,
    can_view,
    discard,
    find,
    petition_path,
    staff_petition_path,
    store_uploads,
)

log = logging.getLogger(__name__)

# Status changes staff may make directly; ``answered`` is reached by answering,
# ``withdrawn`` only by the petitioner.
TRANSITIONS = {
    "received": {"assigned", "in_progress"},
    "assigned": {"in_progress", "received"},
    "in_progress": {"assigned"},
    "answered": {"closed"},
}
NO_STAFF = N_("There is no staff member in this department to assign to: transfer it or register staff.")


def staff_petition(user: User | None, receipt_no: str) -> Petition:
    """A petition for a staff action: 403 without a staff role, 404 unless the user handles it
    (or is an admin)."""
    require_staff(user)
    petition = find(receipt_no)
    if petition is None or not can_view(user, petition):
        raise NotFound(N_("No such petition."))
    return petition


def view(user: User | None, receipt_no: str) -> Petition:
    """Open a petition in the console; viewing personal data is audited."""
    petition = staff_petition(user, receipt_no)
    with unit_of_work():
        audit.record(user, "petition.view", "petition", petition.receipt_no,
                     department_id=petition.department_id)
    return petition


# --- actions --------------------------------------------------------------------------------

def _staff_member(petition: Petition, user_id) -> User:
    if not assignable_staff(petition.department_id):
        raise ValidationFailed({"user": NO_STAFF})
    try:
        member = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        member = None
    if (member is None or not member.is_active or not member.has_role("staff")
            or member.department_id != petition.department_id):
        raise ValidationFailed({"user": N_("Choose a staff member of the handling department.")})
    return member


def _assign_one(actor: User, petition: Petition, member: User) -> None:
    if not petition.is_open:
        raise Conflict(N_("Petition %(receipt_no)s is %(status)s and cannot be assigned.",
                          receipt_no=petition.receipt_no, status=petition.status))
    before = facts(petition)
    petition.assignee = member
    if petition.status == "received":
        petition.status = "assigned"
    events.emit(events.PetitionAssigned(petition.id, member.id, actor.id, before=before, after=facts(petition)))
    petition.events.append(PetitionEvent(kind="assigned", status=petition.status, actor_id=actor.id))
    audit.record(actor, "petition.assign", "petition", petition.receipt_no,
                 department_id=petition.department_id, assignee_id=member.id)
    with in_locale_of(petition.petitioner):
        notify(petition.petitioner, "petition",
               _("Petition %(receipt_no)s is being handled", receipt_no=petition.receipt_no),
               _("A staff member of %(department)s has been assigned to your petition.",
                 department=petition.department.name(_locale_of(petition.petitioner))),
               petition_path(petition.receipt_no))
    if member.id != actor.id:
        with in_locale_of(member):
            notify(member, "petition_staff",
                   _("Petition %(receipt_no)s was assigned to you", receipt_no=petition.receipt_no),
                   "", staff_petition_path(petition.receipt_no))


def assign(actor: User | None, receipt_no: str, user_id) -> Petition:
    """Assign a petition to a staff member of the handling department."""
    actor = require_staff(actor)
    petition = staff_petition(actor, receipt_no)
    member = _staff_member(petition, user_id)
    with unit_of_work():
        _assign_one(actor, petition, member)
    return petition


def bulk_assign(actor: User | None, receipt_nos: list[str], user_id) -> list[Petition]:
    """Assign several petitions at once; all of them or none."""
    actor = require_staff(actor)
    receipt_nos = list(dict.fromkeys(str(r) for r in receipt_nos or []))
    if not receipt_nos:
        raise ValidationFailed({"receipt_nos": N_("Choose at least one petition.")})
    if len(receipt_nos) > 100:
        raise ValidationFailed({"receipt_nos": N_("Assign at most 100 petitions at once.")})
    petitions = [staff_petition(actor, r) for r in receipt_nos]
    members = {p.department_id: _staff_member(p, user_id) for p in petitions}
    with unit_of_work():
        for petition in petitions:
            _assign_one(actor, petition, members[petition.department_id])
    return petitions


def change_status(actor: User | None, receipt_no: str, status: str) -> Petition:
    actor = require_staff(actor)
    petition = staff_petition(actor, receipt_no)
    if status not in STATUSES:
        raise ValidationFailed({"status": N_("One of %(names)s.", names=", ".join(STATUSES))})
    if status == "answered":
        raise ValidationFailed({"status": N_("Give the answer to mark the petition answered.")})
    if status not in TRANSITIONS.get(petition.status, set()):
        raise Conflict(N_("A %(current)s petition cannot become %(status)s.", current=petition.status, status=status))
    if status == "assigned" and petition.assignee_id is None:
        raise ValidationFailed({"status": N_("Assign a staff member first.")})
    previous = petition.status
    with unit_of_work():
        before = facts(petition)
        petition.status = status
        if status == "closed":
            petition.closed_at = utcnow()
        events.emit(events.PetitionStatusChanged(petition.id, previous, status, before=before,
                                                 after=facts(petition)))
        petition.events.append(PetitionEvent(kind="status", status=status, actor_id=actor.id))
        audit.record(actor, "petition.status", "petition", petition.receipt_no,
                     department_id=petition.department_id, previous=previous, status=status)
    return petition


def transfer(actor: User | None, receipt_no: str, department_code: str, reason: str) -> Petition:
    """Hand the petition to another department, with a reason the petitioner also sees. The
    deadline continues or restarts (``PETITIONS_TRANSFER_DEADLINE``)."""
    actor = require_staff(actor)
    petition = staff_petition(actor, receipt_no)
    reason = (reason or "").strip()
    errors = {}
    target = db.session.scalar(select(Department).where(Department.code == (department_code or "")))
    if target is None:
        errors["department"] = N_("Choose a department.")
    elif target.id == petition.department_id:
        errors["department"] = N_("The petition is already with this department.")
    if not reason:
        errors["reason"] = N_("Give the reason for the transfer.")
    elif len(reason) > 2000:
        errors["reason"] = N_("Use at most %(n)d characters.", n=2000)
    if errors or target is None:
        raise ValidationFailed(errors)
    if not petition.is_open:
        raise Conflict(N_("Only an open petition can be transferred."))
    source = petition.department
    with unit_of_work():
        now = utcnow()
        before = facts(petition)
        petition.department = target
        petition.department_id = target.id
        petition.assignee = None
        petition.status = "received"
        if current_app.config["PETITIONS_TRANSFER_DEADLINE"] == "restart":
            petition.due_at = deadlines.due_at(now, petition.type.deadline_days, petition.type.deadline_unit)
        events.emit(events.PetitionTransferred(petition.id, source.id, target.id, reason, actor.id, before=before,
                                               after=facts(petition)))
        petition.events.append(PetitionEvent(kind="transferred", status="received", actor_id=actor.id,
                                             from_department_id=source.id, to_department_id=target.id,
                                             body=reason))
        audit.record(actor, "petition.transfer", "petition", petition.receipt_no, department_id=source.id,
                     to_department=target.code, from_department=source.code, reason=reason)
        audit.record(actor, "petition.transfer_in", "petition", petition.receipt_no, department_id=target.id,
                     from_department=source.code)
        citizen = petition.petitioner
        with in_locale_of(citizen):
            notify(citizen, "petition",
                   _("Petition %(receipt_no)s was transferred", receipt_no=petition.receipt_no),
                   _("It is now handled by %(department)s. Reason: %(reason)s",
                     department=target.name(_locale_of(citizen)), reason=reason),
                   petition_path(petition.receipt_no))
    log.info("petition %s transferred from %s to %s", petition.receipt_no, source.code, target.code)
    return petition


def add_note(actor: User | None, receipt_no: str, body: str, client_token: str | None = None) -> PetitionEvent:
    """An internal note for staff; never shown to the petitioner. A ``client_token`` (the API's
    ``Idempotency-Key``) this person already used returns that note instead of a second one
    (``civic.idempotency``)."""
    staff = require_staff(actor)
    petition = staff_petition(staff, receipt_no)
    body = (body or "").strip()
    token = clean_token(client_token)

    def create() -> PetitionEvent:
        if not body:
            raise ValidationFailed({"body": N_("Write the note.")})
        if len(body) > 5000:
            raise ValidationFailed({"body": N_("Use at most %(n)d characters.", n=5000)})
        with unit_of_work():
            note = PetitionEvent(kind="note", public=False, actor_id=staff.id, body=body, client_token=token)
            petition.events.append(note)
            db.session.flush()
            audit.record(staff, "petition.note", "petition", petition.receipt_no,
                         department_id=petition.department_id, note_id=note.id)
        return note

    return create_once(PetitionEvent, token, create, owned=lambda e: e.actor_id == staff.id,
                       same=lambda e: (e.petition_id, e.kind, e.body) == (petition.id, "note", body))


def answer(actor: User | None, receipt_no: str, body: str, uploads: list[Upload] | None = None,
           template_id=None) -> Petition:
    """Answer the petition (text and optional images); the petitioner is notified. The answer
    template the text started from, if any, is recorded in the audit log."""
    from civic.petitions import answer_templates

    actor = require_staff(actor)
    petition = staff_petition(actor, receipt_no)
    template = None
    if template_id not in (None, ""):
        template = answer_templates.get(actor, template_id)
        if template.department_id != petition.department_id:
            raise ValidationFailed({"template": N_("Choose a template of the handling department.")})
    body = (body or "").strip()
    uploads = [u for u in (uploads or []) if u is not None]
    errors = {}
    if not body:
        errors["body"] = N_("Write the answer.")
    elif len(body) > 20_000:
        errors["body"] = N_("Use at most %(n)d characters.", n=20_000)
    limit = current_app.config["PETITIONS_MAX_ATTACHMENTS"]
    if len(uploads) > limit:
        errors["attachments"] = N_("Attach at most %(n)d files.", n=limit)
    if errors:
        raise ValidationFailed(errors)
    if not petition.is_open:
        raise Conflict(N_("A %(current)s petition cannot be answered.", current=petition.status))
    stored = store_uploads(uploads)
    try:
        with unit_of_work():
            now = utcnow()
            before = facts(petition)
            petition.status = "answered"
            petition.answer_body = body
            petition.answered_at = now
            events.emit(events.PetitionAnswered(petition.id, petition.department_id, now, actor.id, before=before,
                                                after=facts(petition)))
            petition.answered_by_id = actor.id
            petition.attachments.extend(attachment_rows(stored, "answer"))
            petition.events.append(PetitionEvent(kind="answered", status="answered", actor_id=actor.id))
            audit.record(actor, "petition.answer", "petition", petition.receipt_no,
                         department_id=petition.department_id, attachments=len(stored),
                         late=now > petition.due_at, template_id=template.id if template else None)
            citizen = petition.petitioner
            with in_locale_of(citizen):
                notify(citizen, "petition",
                       _("Petition %(receipt_no)s has been answered", receipt_no=petition.receipt_no),
                       _("Read the answer and tell us how helpful it was."),
                       petition_path(petition.receipt_no))
    except BaseException:
        discard(stored)
        raise
    return petition


def audit_trail(actor: User | None, receipt_no: str) -> list[audit.AuditEntry]:
    petition = staff_petition(actor, receipt_no)
    return audit.entries_for("petition", petition.receipt_no)


def _locale_of(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
