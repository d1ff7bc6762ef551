"""JSON faces: ``/api/v1/petitions`` for citizens and ``/api/v1/staff/petitions`` for staff."""

from __future__ import annotations

from civic.accounts.auth import current_user, login_required, signed_in_user
from civic.api import make_blueprint
from civic.api.pagination import page_headers
from civic.api.requests import IDEMPOTENCY_DOC, idempotency_key, read_body
from civic.petitions import present, service, triage, workload
from civic.petitions.schemas import (
    PetitionAnswerInSchema,
    PetitionAnswerMultipartSchema,
    PetitionAssignSchema,
    PetitionAuditEntrySchema,
    PetitionBulkAssignSchema,
    PetitionCountsSchema,
    PetitionCreateSchema,
    PetitionDepartmentArgs,
    PetitionMineArgs,
    PetitionMultipartSchema,
    PetitionNoteInSchema,
    PetitionNoteSchema,
    PetitionQueueArgs,
    PetitionQueueItemSchema,
    PetitionRatingSchema,
    PetitionSchema,
    PetitionStatusSchema,
    PetitionTransferSchema,
    PetitionTypeSchema,
    PetitionWithdrawSchema,
    PetitionWorkloadSchema,
    StaffPetitionSchema,
)
from civic.petitions.service import Upload

bp = make_blueprint("petitions_api", __name__, url_prefix="/petitions",
                    description="Civil petitions: file, follow, withdraw, rate")
staff_bp = make_blueprint("petitions_staff_api", __name__, url_prefix="/staff/petitions",
                          description="Staff triage of petitions routed to the caller's department")

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


@staff_bp.before_request
def _staff_only():
    """Authenticate and authorize before the body is parsed: an anonymous or citizen caller
    gets 401/403, never a 422 that reveals the expected body (the services check again)."""
    from civic.accounts.service import require_role

    require_role(current_user(), "staff")


def _body_and_files(schema) -> tuple[dict, list[Upload]]:
    """JSON, or multipart/form-data with image files in ``attachments``."""
    data, files = read_body(schema(), files=("attachments",))
    return data, [Upload(f.stream, f.filename or "") for f in files]


def _multipart_doc(json_schema, form_schema) -> dict:
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": json_schema},
        "multipart/form-data": {"schema": form_schema},
    }}}


# --- citizens -------------------------------------------------------------------------------

@bp.route("/types")
@bp.response(200, PetitionTypeSchema(many=True))
def types():
    """Petition types a citizen can choose, with their legal handling period and how it is counted."""
    return service.list_types()


@bp.route("", methods=["POST"])
@bp.response(201, PetitionSchema)
@bp.doc(security=SECURITY, parameters=[IDEMPOTENCY_DOC],
        **_multipart_doc(PetitionCreateSchema, PetitionMultipartSchema))
@login_required
def create():
    """File a petition (JSON, or multipart with up to 5 images in ``attachments``). Safe to retry
    with an `Idempotency-Key`."""
    key = idempotency_key()
    data, uploads = _body_and_files(PetitionCreateSchema)
    petition = service.file_petition(
        current_user(), type_code=data["type"], title=data["title"], body=data["body"],
        district=data.get("district"), lat=data.get("lat"), lon=data.get("lon"),
        contact_preference=data.get("contact_preference"), contact_phone=data.get("contact_phone"),
        uploads=uploads, client_token=key,
    )
    return present.citizen_view(petition), 201, {"Location": f"/api/v1/petitions/{petition.receipt_no}"}


@bp.route("/mine")
@bp.arguments(PetitionMineArgs, location="query")
@bp.response(200, PetitionSchema(many=True))
@bp.doc(security=SECURITY)
@login_required
def mine(args):
    """The caller's petitions, newest first."""
    page = service.list_mine(signed_in_user(), args["page"], args["per_page"], args.get("status"))
    return [present.citizen_view(p) for p in page.items], 200, page_headers(page)


@bp.route("/<receipt_no>")
@bp.response(200, PetitionSchema)
@bp.doc(security=SECURITY)
def detail(receipt_no):
    """One petition: its petitioner, handling staff and admins only (404 for everyone else)."""
    return present.citizen_view(service.get_petition(current_user(), receipt_no))


@bp.route("/<receipt_no>/withdraw", methods=["POST"])
@bp.arguments(PetitionWithdrawSchema, location="json", required=False)
@bp.response(200, PetitionSchema)
@bp.doc(security=SECURITY)
def withdraw(args, receipt_no):
    """Withdraw the petition (before it is answered)."""
    return present.citizen_view(service.withdraw(current_user(), receipt_no, (args or {}).get("reason", "")))


@bp.route("/<receipt_no>/rating", methods=["POST"])
@bp.arguments(PetitionRatingSchema, location="json")
@bp.response(200, PetitionSchema)
@bp.doc(security=SECURITY)
def rating(args, receipt_no):
    """Rate the answer from 1 to 5, with an optional comment (once)."""
    return present.citizen_view(service.rate(current_user(), receipt_no, args["score"], args["comment"]))


# --- staff ----------------------------------------------------------------------------------

@staff_bp.route("")
@staff_bp.arguments(PetitionQueueArgs, location="query")
@staff_bp.response(200, PetitionQueueItemSchema(many=True))
@staff_bp.doc(security=SECURITY)
def staff_queue(args):
    """The caller's department queue, soonest due first; filters as query parameters."""
    flt = triage.QueueFilter(**{k: args.get(k) for k in ("status", "type", "district", "assignee", "department")},
                             overdue=args["overdue"], due_soon=args["due_soon"], sort=args["sort"])
    page = triage.queue(current_user(), flt, args["page"], args["per_page"])
    return [present.queue_item(p) for p in page.items], 200, page_headers(page)


@staff_bp.route("/counts")
@staff_bp.arguments(PetitionDepartmentArgs, location="query")
@staff_bp.response(200, PetitionCountsSchema)
@staff_bp.doc(security=SECURITY)
def staff_counts(args):
    """Petitions per status in the caller's department, with overdue and due-soon counts."""
    return {"counts": triage.status_counts(current_user(), args.get("department"))}


@staff_bp.route("/workload")
@staff_bp.arguments(PetitionDepartmentArgs, location="query")
@staff_bp.response(200, PetitionWorkloadSchema)
@staff_bp.doc(security=SECURITY)
def staff_workload(args):
    """Open petitions per assignee and the overdue list (department admins and admins)."""
    load = workload.workload(current_user(), args.get("department"))
    return {
        "department": load.department.code if load.department else None, "counts": load.counts,
        "assignees": [{"assignee": present.person(u), "open": total, "overdue": late}
                      for u, total, late in load.per_assignee],
        "overdue": [present.queue_item(p) for p in load.overdue],
    }


@staff_bp.route("/bulk-assign", methods=["POST"])
@staff_bp.arguments(PetitionBulkAssignSchema, location="json")
@staff_bp.response(200, PetitionQueueItemSchema(many=True))
@staff_bp.doc(security=SECURITY)
def staff_bulk_assign(args):
    """Assign several petitions to one staff member (all or none)."""
    return [present.queue_item(p) for p in triage.bulk_assign(current_user(), args["receipt_nos"], args["user"])]


@staff_bp.route("/<receipt_no>")
@staff_bp.response(200, StaffPetitionSchema)
@staff_bp.doc(security=SECURITY)
def staff_detail(receipt_no):
    """The petition with the petitioner's details and internal notes (the view is audited)."""
    return present.staff_view(triage.view(current_user(), receipt_no))


@staff_bp.route("/<receipt_no>/assign", methods=["POST"])
@staff_bp.arguments(PetitionAssignSchema, location="json")
@staff_bp.response(200, StaffPetitionSchema)
@staff_bp.doc(security=SECURITY)
def staff_assign(args, receipt_no):
    """Assign to a staff member of the handling department."""
    return present.staff_view(triage.assign(current_user(), receipt_no, args["user"]))


@staff_bp.route("/<receipt_no>/status", methods=["POST"])
@staff_bp.arguments(PetitionStatusSchema, location="json")
@staff_bp.response(200, StaffPetitionSchema)
@staff_bp.doc(security=SECURITY)
def staff_status(args, receipt_no):
    """Move the petition along: received → assigned → in_progress; answered → closed."""
    return present.staff_view(triage.change_status(current_user(), receipt_no, args["status"]))


@staff_bp.route("/<receipt_no>/transfer", methods=["POST"])
@staff_bp.arguments(PetitionTransferSchema, location="json")
@staff_bp.response(200, PetitionSchema)
@staff_bp.doc(security=SECURITY)
def staff_transfer(args, receipt_no):
    """Transfer to another department; the reason is required and shown to the petitioner."""
    return present.citizen_view(triage.transfer(current_user(), receipt_no, args["department"], args["reason"]))


@staff_bp.route("/<receipt_no>/notes", methods=["POST"])
@staff_bp.arguments(PetitionNoteInSchema, location="json")
@staff_bp.response(201, PetitionNoteSchema)
@staff_bp.doc(security=SECURITY, parameters=[IDEMPOTENCY_DOC])
def staff_note(args, receipt_no):
    """Add an internal note (never shown to the petitioner). Safe to retry with an `Idempotency-Key`."""
    note = triage.add_note(current_user(), receipt_no, args["body"], client_token=idempotency_key())
    return {"id": note.id, "body": note.body, "at": note.created_at, "author": present.person(note.actor)}


@staff_bp.route("/<receipt_no>/answer", methods=["POST"])
@staff_bp.response(200, StaffPetitionSchema)
@staff_bp.doc(security=SECURITY, **_multipart_doc(PetitionAnswerInSchema, PetitionAnswerMultipartSchema))
def staff_answer(receipt_no):
    """Answer the petition (JSON, or multipart with images in ``attachments``)."""
    triage.staff_petition(current_user(), receipt_no)      # 401/403/404 before reading uploads
    data, uploads = _body_and_files(PetitionAnswerInSchema)
    return present.staff_view(triage.answer(current_user(), receipt_no, data["body"], uploads,
                                            data.get("template_id")))


@staff_bp.route("/<receipt_no>/audit")
@staff_bp.response(200, PetitionAuditEntrySchema(many=True))
@staff_bp.doc(security=SECURITY)
def staff_audit(receipt_no):
    """Every staff action on the petition, oldest first."""
    return [present.audit_entry(e) for e in triage.audit_trail(current_user(), receipt_no)]
