"""Petition notices by e-mail: received, transferred, extended, answered.

The petitioner gets them by e-mail unless the account chose push only for petitions
(``civic.notifications.preferences``); the in-app notice is written by the petitions feature in
any case, so the result is always notified. Each mail has a one-click link that moves petition
notices to push (it cannot switch them off).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from civic import events
from civic.accounts.models import Department, User
from civic.extensions import db
from civic.formatting import format_when
from civic.mail.compose import Content, absolute
from civic.mail.outbox import send
from civic.notifications.preferences import preferences_of

if TYPE_CHECKING:
    from civic.petitions.models import Petition


def _petition_and_user(petition_id: int) -> tuple[Petition | None, User | None]:
    from civic.petitions.models import Petition

    petition = db.session.get(Petition, petition_id)
    if petition is None:
        return None, None
    user = db.session.get(User, petition.petitioner_id)
    if user is None or not user.is_active or not user.email:
        return petition, None
    if not preferences_of(user.id).petitions_by_email:
        return petition, None
    return petition, user


def _department(department_id: int | None, user: User) -> str:
    department = db.session.get(Department, department_id) if department_id else None
    if department is None:
        return ""
    from flask import current_app

    return department.name(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"])


def _event_key(event: events.Event) -> str:
    return hashlib.sha256(repr(event).encode()).hexdigest()[:16]


def _to_petitioner(event, kind: str, key: str, write: Callable[[Petition, User], Content]) -> None:
    """Mail the petitioner of ``event.petition_id`` (when they take petition notices by e-mail): the
    ``write``-ten content, with a link to the petition unless it has its own, and the footer."""
    petition, user = _petition_and_user(event.petition_id)
    if petition is None or user is None:
        return

    def content() -> Content:
        mail = write(petition, user)
        mail.action = mail.action or (_("See my petition"), absolute(f"/petitions/{petition.receipt_no}"))
        mail.footer = _("You get this e-mail because you filed this petition. Petition notices also appear in "
                        "the app.")
        return mail

    send(user, f"petition.{kind}:{petition.id}{key}", content, kind=f"petition_{kind}", essential=False,
         unsubscribe_scope="petitions")


def on_received(event: events.PetitionReceived) -> None:
    _to_petitioner(event, "received", "", lambda petition, user: Content(
        subject=_("Petition %(receipt_no)s received", receipt_no=petition.receipt_no),
        paragraphs=[_("Your petition “%(title)s” was received with receipt number %(receipt_no)s.",
                      title=petition.title, receipt_no=petition.receipt_no),
                    _("%(department)s handles it and answers by %(date)s.",
                      department=_department(event.department_id, user), date=format_when(event.due_at))]))


def on_transferred(event: events.PetitionTransferred) -> None:
    _to_petitioner(event, "transferred", f":{_event_key(event)}", lambda petition, user: Content(
        subject=_("Petition %(receipt_no)s was transferred", receipt_no=petition.receipt_no),
        paragraphs=[_("Your petition %(receipt_no)s is now handled by %(department)s.",
                      receipt_no=petition.receipt_no, department=_department(event.to_department_id, user)),
                    _("Answer due by %(date)s.", date=format_when(petition.due_at))],
        quote=event.reason, quote_heading=_("Reason for the transfer")))


def on_extended(event: events.PetitionExtended) -> None:
    _to_petitioner(event, "extended", f":{_event_key(event)}", lambda petition, user: Content(
        subject=_("Petition %(receipt_no)s: the deadline was extended", receipt_no=petition.receipt_no),
        paragraphs=[_("The answer to your petition %(receipt_no)s is now due by %(date)s (it was %(old)s).",
                      receipt_no=petition.receipt_no, date=format_when(event.new_due_at),
                      old=format_when(event.old_due_at))],
        quote=event.reason, quote_heading=_("Reason for the extension") if event.reason else ""))


def on_answered(event: events.PetitionAnswered) -> None:
    def write(petition: Petition, user: User) -> Content:
        attachments = [(_("Attachment %(n)d", n=index),
                        absolute(f"/petitions/{petition.receipt_no}/attachments/{attachment.id}"))
                       for index, attachment in enumerate(petition.answer_attachments(), start=1)]
        return Content(
            subject=_("Petition %(receipt_no)s has been answered", receipt_no=petition.receipt_no),
            paragraphs=[_("%(department)s answered your petition “%(title)s” (%(receipt_no)s) on %(date)s.",
                          department=_department(event.department_id, user), title=petition.title,
                          receipt_no=petition.receipt_no, date=format_when(event.answered_at))],
            quote=petition.answer_body or "", quote_heading=_("The answer"), links=attachments,
            action=(_("Read the answer and rate it"), absolute(f"/petitions/{petition.receipt_no}")))

    _to_petitioner(event, "answered", f":{event.answered_at.isoformat()}", write)


def subscribe(app) -> None:
    events.subscribe(app, events.PetitionReceived, on_received, after_commit=True)
    events.subscribe(app, events.PetitionTransferred, on_transferred, after_commit=True)
    events.subscribe(app, events.PetitionExtended, on_extended, after_commit=True)
    events.subscribe(app, events.PetitionAnswered, on_answered, after_commit=True)
