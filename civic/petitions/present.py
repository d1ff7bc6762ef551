"""Petitions as plain dicts for the JSON API (the schemas in ``schemas.py`` describe them)."""

from __future__ import annotations

from civic.accounts.models import Department, User
from civic.extensions import db
from civic.petitions.models import Petition, PetitionAttachment
from civic.petitions.service import flags, public_events


def department_ref(department: Department | None) -> dict | None:
    if department is None:
        return None
    return {"code": department.code, "name_ko": department.name_ko, "name_en": department.name_en}


def person(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "display_name": user.display_name, "email": user.email}


def attachment(petition: Petition, item: PetitionAttachment) -> dict:
    url = f"/petitions/{petition.receipt_no}/attachments/{item.id}"
    return {"id": item.id, "url": url, "thumb_url": url + "?thumb=1", "content_type": item.content_type,
            "width": item.width, "height": item.height}


def _event(event) -> dict:
    shows_body = event.kind in ("transferred", "withdrawn")
    return {"kind": event.kind, "status": event.status, "at": event.created_at,
            "department": department_ref(event.to_department) if event.kind == "transferred" else None,
            "body": event.body if shows_body else None}


def citizen_view(petition: Petition) -> dict:
    answer = None
    if petition.answered_at is not None:
        answer = {"body": petition.answer_body, "answered_at": petition.answered_at,
                  "attachments": [attachment(petition, a) for a in petition.answer_attachments()]}
    return {
        "receipt_no": petition.receipt_no, "type": petition.type.code, "title": petition.title,
        "body": petition.body, "status": petition.status, "department": department_ref(petition.department),
        "district": petition.district_code, "lat": petition.lat, "lon": petition.lon,
        "contact_preference": petition.contact_preference, "created_at": petition.created_at,
        "due_at": petition.due_at, "deadline": petition.type.deadline, **flags(petition),
        "attachments": [attachment(petition, a) for a in petition.petition_attachments()],
        "answer": answer, "rating": petition.rating, "rating_comment": petition.rating_comment,
        "timeline": [_event(e) for e in public_events(petition)],
    }


def staff_view(petition: Petition) -> dict:
    data = citizen_view(petition)
    data.update(
        petitioner=person(petition.petitioner), contact_phone=petition.contact_phone,
        assignee=person(petition.assignee),
        notes=[{"id": e.id, "body": e.body, "at": e.created_at, "author": person(e.actor)}
               for e in petition.events if e.kind == "note"],
    )
    return data


def queue_item(petition: Petition) -> dict:
    return {
        "receipt_no": petition.receipt_no, "type": petition.type.code, "title": petition.title,
        "status": petition.status, "department": petition.department.code, "district": petition.district_code,
        "assignee_id": petition.assignee_id, "created_at": petition.created_at, "due_at": petition.due_at,
        **flags(petition),
    }


def audit_entry(entry) -> dict:
    department = db.session.get(Department, entry.department_id) if entry.department_id else None
    actor_department = db.session.get(Department, entry.actor_department_id) if entry.actor_department_id else None
    return {"id": entry.id, "at": entry.created_at, "actor_id": entry.actor_id, "action": entry.action,
            "department": department.code if department else None, "actor_role": entry.actor_role,
            "actor_department": actor_department.code if actor_department else None, "detail": entry.detail}
