"""Petition rules for citizens: types, filing, visibility, withdrawal and rating.

Staff triage (queue, assignment, transfer, answers) is in ``triage.py``, workload and reminders
in ``workload.py``; they share the visibility rule ``can_view`` defined here, so every face
answers 404 alike.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from civic import audit, events
from civic.accounts.models import User
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Conflict, NotFound, ValidationFailed
from civic.extensions import db
from civic.geo import district_at, get_district, validate_point
from civic.idempotency import clean_token, create_once
from civic.notifications.service import in_locale_of, notify
from civic.petitions import deadlines
from civic.petitions.facts import facts
from civic.petitions.models import (
    CONTACT_PREFERENCES,
    OPEN_STATUSES,
    Petition,
    PetitionAttachment,
    PetitionEvent,
    PetitionType,
)
from civic.petitions.petition_types import get_type, list_types, route, update_type  # noqa: F401  (faces use them here)
from civic.petitions.receipt_numbers import next_receipt_no
from civic.uploads import StoredImage, delete_image, save_image

log = logging.getLogger(__name__)

TITLE_MAX = 200
BODY_MAX = 10_000
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}[0-9]$")


@dataclass
class Upload:
    """A file handed over by a face: a readable stream and its form field name."""

    stream: object
    filename: str = ""


def petition_path(receipt_no: str) -> str:
    return f"/petitions/{receipt_no}"


def staff_petition_path(receipt_no: str) -> str:
    return f"/staff/petitions/{receipt_no}"


# --- visibility -----------------------------------------------------------------------------

def is_handling_staff(user: User | None, petition: Petition) -> bool:
    return (user is not None and user.is_active and user.has_role("staff")
            and user.department_id is not None and user.department_id == petition.department_id)


def can_view(user: User | None, petition: Petition) -> bool:
    """The petitioner, staff of the department now handling it, and admins; nobody else."""
    if user is None:
        return False
    return user.id == petition.petitioner_id or user.has_role("admin") or is_handling_staff(user, petition)


def find(receipt_no: str) -> Petition | None:
    return db.session.scalar(select(Petition).where(Petition.receipt_no == str(receipt_no)))


def _visible(user: User | None, receipt_no: str) -> Petition:
    petition = find(receipt_no)
    if petition is None or not can_view(user, petition):
        # The same answer whether it does not exist or is someone else's: no existence leak.
        raise NotFound(N_("No such petition."))
    return petition


def get_petition(user: User | None, receipt_no: str) -> Petition:
    """A petition the user may see (404 otherwise). Staff and admins opening someone's
    petition is recorded in the audit log, since it shows personal data."""
    petition = _visible(user, receipt_no)
    if user is not None and user.id != petition.petitioner_id:
        with unit_of_work():
            audit.record(user, "petition.view", "petition", petition.receipt_no,
                         department_id=petition.department_id)
    return petition


def get_attachment(user: User | None, receipt_no: str, attachment_id: int) -> PetitionAttachment:
    petition = _visible(user, receipt_no)
    for attachment in petition.attachments:
        if attachment.id == attachment_id:
            return attachment
    raise NotFound(N_("No such attachment."))


def public_events(petition: Petition) -> list[PetitionEvent]:
    return [event for event in petition.events if event.public]


def list_mine(user: User, page: int = 1, per_page: int = 20, status: str | None = None) -> Page:
    from civic.accounts.service import require_role

    require_role(user, "citizen")
    query = select(Petition).where(Petition.petitioner_id == user.id)
    if status:
        query = query.where(Petition.status == status)
    return paginate(query.order_by(Petition.id.desc()), page, per_page)


def latest_answer(user: User | None) -> Petition | None:
    """The petitioner's most recently answered petition (the home page shows it)."""
    if user is None:
        return None
    return db.session.scalar(select(Petition).where(Petition.petitioner_id == user.id,
                                                    Petition.answered_at.is_not(None))
                             .order_by(Petition.answered_at.desc(), Petition.id.desc()).limit(1))


def flags(petition: Petition, now=None) -> dict[str, bool]:
    """``overdue`` / ``due_soon`` (within ``PETITIONS_DUE_SOON_HOURS`` working hours) for open
    petitions."""
    now = now or utcnow()
    if not petition.is_open:
        return {"overdue": False, "due_soon": False}
    soon = deadlines.due_soon_limit(now)
    return {"overdue": petition.due_at < now, "due_soon": now <= petition.due_at < soon}


# --- filing ---------------------------------------------------------------------------------

def _validate_filing(ptype, title, body, district, lat, lon, contact_preference, contact_phone,
                     uploads) -> tuple[str | None, tuple[float, float] | None]:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = N_("Enter a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = N_("Use at most %(n)d characters.", n=TITLE_MAX)
    if not body:
        errors["body"] = N_("Describe your petition.")
    elif len(body) > BODY_MAX:
        errors["body"] = N_("Use at most %(n)d characters.", n=BODY_MAX)
    if district and get_district(district) is None:
        errors["district"] = N_("Choose a district of the city.")
    point = None
    if lat not in (None, "") or lon not in (None, ""):
        try:
            point = validate_point(lat, lon)
        except ValidationFailed as exc:
            errors.update(exc.errors)
        else:
            found = district_at(*point)
            if found is None:
                errors["lat"] = N_("The location is outside the city's service area.")
            elif district and found.code != district:
                errors["district"] = N_("The location is not in the chosen district.")
            else:
                district = found.code
    if contact_preference not in CONTACT_PREFERENCES:
        errors["contact_preference"] = N_("Choose how we should contact you.")
    if contact_phone and not PHONE_RE.match(contact_phone):
        errors["contact_phone"] = N_("Enter a phone number of digits, spaces or dashes.")
    elif contact_preference == "phone" and not contact_phone:
        errors["contact_phone"] = N_("Enter the phone number to call.")
    limit = current_app.config["PETITIONS_MAX_ATTACHMENTS"]
    if len(uploads) > limit:
        errors["attachments"] = N_("Attach at most %(n)d files.", n=limit)
    required = set(ptype.required_fields or []) if ptype is not None else set()
    if "location" in required and not district and point is None:
        errors.setdefault("district", N_("This type of petition needs a district or a location."))
    if "point" in required and point is None:
        errors.setdefault("lat", N_("This type of petition needs a location on the map."))
    if "attachment" in required and not uploads:
        errors.setdefault("attachments", N_("This type of petition needs a photo."))
    if "contact_phone" in required and not contact_phone:
        errors.setdefault("contact_phone", N_("This type of petition needs a phone number."))
    if errors:
        raise ValidationFailed(errors)
    return district or None, point


def store_uploads(uploads: list[Upload], field: str = "attachments") -> list[StoredImage]:
    """Store every upload or none: a bad file removes the ones already stored."""
    stored: list[StoredImage] = []
    try:
        for upload in uploads:
            stored.append(save_image(upload.stream, field))
    except BaseException:
        discard(stored)
        raise
    return stored


def discard(stored: list[StoredImage]) -> None:
    for image in stored:
        delete_image(image.name, image.thumb_name)


def attachment_rows(stored: list[StoredImage], kind: str) -> list[PetitionAttachment]:
    return [PetitionAttachment(kind=kind, stored_name=s.name, thumb_name=s.thumb_name,
                               content_type=s.content_type, width=s.width, height=s.height, size=s.size)
            for s in stored]


def file_petition(user: User | None, *, type_code: str, title: str, body: str, district: str | None = None,
                  lat=None, lon=None, contact_preference: str | None = "in_app", contact_phone: str | None = None,
                  uploads: list[Upload] | None = None, client_token: str | None = None) -> Petition:
    """A signed-in user files a petition. It is routed, numbered and given its legal deadline;
    nothing is stored (no row, no file) unless all of it is. A ``client_token`` this user already
    filed with returns that petition instead of a second one (an offline draft sent twice)."""
    from civic.accounts.recovery import require_confirmed
    from civic.accounts.service import require_role

    user = require_confirmed(require_role(user, "citizen"))
    client_token = clean_token(client_token)
    title, body = (title or "").strip(), (body or "").strip()
    sent = (type_code or "", title, body)
    return create_once(
        Petition, client_token,
        lambda: _file(user, type_code, title, body, district, lat, lon, contact_preference, contact_phone, uploads,
                      client_token),
        owned=lambda p: p.petitioner_id == user.id, same=lambda p: (p.type.code, p.title, p.body) == sent)


def _file(user: User, type_code: str, title: str, body: str, district: str | None, lat, lon,
          contact_preference: str | None, contact_phone: str | None, uploads: list[Upload] | None,
          client_token: str | None) -> Petition:
    uploads = [u for u in (uploads or []) if u is not None]
    ptype = db.session.scalar(select(PetitionType).where(PetitionType.code == (type_code or ""),
                                                         PetitionType.is_active.is_(True)))
    contact_phone = (contact_phone or "").strip() or None
    district = (district or "").strip() or None
    try:
        district, point = _validate_filing(ptype, title, body, district, lat, lon,
                                           contact_preference or "in_app", contact_phone, uploads)
    except ValidationFailed as exc:
        if ptype is None:
            exc.errors["type"] = N_("Choose a type of petition.")
        raise
    if ptype is None:
        raise ValidationFailed({"type": N_("Choose a type of petition.")})

    stored = store_uploads(uploads)
    try:
        with unit_of_work():
            now = utcnow()
            department = route(ptype, district)
            petition = Petition(
                receipt_no=next_receipt_no(deadlines.local_year(now)), type=ptype, petitioner_id=user.id,
                title=title, body=body, district_code=district,
                lat=point[0] if point else None, lon=point[1] if point else None,
                contact_preference=contact_preference or "in_app", contact_phone=contact_phone,
                status="received", department=department, created_at=now,
                due_at=deadlines.due_at(now, ptype.deadline_days, ptype.deadline_unit), client_token=client_token,
            )
            petition.attachments = attachment_rows(stored, "petition")
            petition.events = [PetitionEvent(kind="received", status="received", actor_id=user.id,
                                             to_department_id=department.id, created_at=now)]
            db.session.add(petition)
            db.session.flush()
            events.emit(events.PetitionReceived(petition.id, department.id, petition.created_at, petition.due_at,
                                                after=facts(petition)))
            with in_locale_of(user):
                notify(user, "petition", _("Petition %(receipt_no)s received", receipt_no=petition.receipt_no),
                       _("We will answer by %(date)s.", date=_format_date(petition.due_at)),
                       petition_path(petition.receipt_no))
    except BaseException:
        discard(stored)
        raise
    log.info("petition %s filed (type %s, department %s)", petition.receipt_no, ptype.code, department.code)
    return petition


def _format_date(moment) -> str:
    from civic.formatting import format_when

    return format_when(moment)


# --- citizen actions ------------------------------------------------------------------------

def _own(user: User | None, receipt_no: str) -> Petition:
    petition = _visible(user, receipt_no)
    if user is None or petition.petitioner_id != user.id:
        # Staff and admins may see it but only the petitioner acts on it as a citizen.
        raise NotFound(N_("No such petition."))
    return petition


def withdraw(user: User | None, receipt_no: str, reason: str = "") -> Petition:
    """The petitioner withdraws the petition, only while it has no answer."""
    petition = _own(user, receipt_no)
    if petition.status not in OPEN_STATUSES:
        raise Conflict(N_("Only a petition without an answer can be withdrawn."))
    with unit_of_work():
        before = facts(petition)
        petition.status = "withdrawn"
        petition.withdrawn_at = utcnow()
        events.emit(events.PetitionStatusChanged(petition.id, before.status, petition.status, before=before,
                                                 after=facts(petition)))
        petition.events.append(PetitionEvent(kind="withdrawn", status="withdrawn", actor_id=petition.petitioner_id,
                                             body=(reason or "").strip()[:1000]))
        assignee = petition.assignee
        if assignee is not None and assignee.is_active:
            with in_locale_of(assignee):
                notify(assignee, "petition_staff",
                       _("Petition %(receipt_no)s was withdrawn", receipt_no=petition.receipt_no),
                       "", staff_petition_path(petition.receipt_no))
    log.info("petition %s withdrawn", petition.receipt_no)
    return petition


def rate(user: User | None, receipt_no: str, score, comment: str = "") -> Petition:
    """The petitioner rates the answer (1-5, with an optional comment), once."""
    petition = _own(user, receipt_no)
    if petition.status not in ("answered", "closed") or petition.answered_at is None:
        raise Conflict(N_("The answer can be rated once it has been given."))
    if petition.rating is not None:
        raise Conflict(N_("This answer has already been rated."))
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    errors = {}
    if not 1 <= score <= 5:
        errors["score"] = N_("Choose from 1 to 5.")
    if len(comment or "") > 2000:
        errors["comment"] = N_("Use at most %(n)d characters.", n=2000)
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        petition.rating = score
        petition.rating_comment = (comment or "").strip() or None
        petition.rated_at = utcnow()
        petition.events.append(PetitionEvent(kind="rated", actor_id=petition.petitioner_id))
    return petition


def forget_user(user) -> None:
    """Account deletion hook: petitions are legal records and stay, with the petitioner
    anonymised (the account row keeps no name or e-mail); the contact phone goes.

    Bulk update without events (allowed in tests/test_events_rules.py): it changes contact columns
    only, which no event consumer reads."""
    from sqlalchemy import update

    from civic.petitions.models import Petition

    db.session.execute(update(Petition).where(Petition.petitioner_id == user.id)
                       .values(contact_phone=None, contact_preference="in_app"))
