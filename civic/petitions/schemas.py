"""Marshmallow schemas of the petitions API (input checks and the OpenAPI description)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from civic.accounts.schemas import DepartmentSchema
from civic.api.pagination import PageArgs
from civic.petitions.models import CONTACT_PREFERENCES, STATUSES


class DeadlineSchema(Schema):
    """The legal handling period and how the law counts it (민원 처리에 관한 법률 제19조)."""

    amount = fields.Integer(metadata={"description": "The period, in unit (0 for immediate)"})
    unit = fields.String(metadata={"description": "immediate, days, weeks, months or years"})
    counting = fields.String(metadata={
        "description": "working_hours (5 days or less, and immediate: from the time of receipt, 8 working "
                       "hours a day), working_days (6 days or more, counting the first day) or calendar "
                       "(weeks, months, years; ending on a day off, the next working day)"})
    working_hours = fields.Integer(allow_none=True, metadata={
        "description": "The period in working hours, when it is counted in hours"})


class PetitionTypeSchema(Schema):
    code = fields.String()
    name_ko = fields.String()
    name_en = fields.String()
    department = fields.Nested(DepartmentSchema)
    deadline_days = fields.Integer(metadata={"description": "The handling period, in deadline.unit"})
    deadline = fields.Nested(DeadlineSchema)
    required_fields = fields.List(fields.String())
    route_by_district = fields.Boolean()


class PetitionCreateSchema(Schema):
    type = fields.String(required=True, metadata={"description": "Petition type code"})
    title = fields.String(required=True)
    body = fields.String(required=True)
    district = fields.String(load_default=None, allow_none=True, metadata={"description": "5-digit district code"})
    lat = fields.Float(load_default=None, allow_none=True)
    lon = fields.Float(load_default=None, allow_none=True)
    contact_preference = fields.String(load_default="in_app", validate=validate.OneOf(CONTACT_PREFERENCES))
    contact_phone = fields.String(load_default=None, allow_none=True)


class PetitionMultipartSchema(PetitionCreateSchema):
    attachments = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}),
                              metadata={"description": "Up to 5 JPEG, PNG or WebP images"})


class PetitionAttachmentSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    thumb_url = fields.String()
    content_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()


class PetitionEventSchema(Schema):
    kind = fields.String()
    status = fields.String(allow_none=True)
    at = fields.DateTime()
    department = fields.Nested(DepartmentSchema, allow_none=True)
    body = fields.String(allow_none=True)


class PetitionAnswerSchema(Schema):
    body = fields.String()
    answered_at = fields.DateTime()
    attachments = fields.List(fields.Nested(PetitionAttachmentSchema))


class PetitionSchema(Schema):
    receipt_no = fields.String()
    type = fields.String()
    title = fields.String()
    body = fields.String()
    status = fields.String()
    department = fields.Nested(DepartmentSchema)
    district = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    contact_preference = fields.String()
    created_at = fields.DateTime()
    due_at = fields.DateTime(metadata={"description": "The legal deadline (see deadline)"})
    deadline = fields.Nested(DeadlineSchema)
    overdue = fields.Boolean()
    due_soon = fields.Boolean()
    attachments = fields.List(fields.Nested(PetitionAttachmentSchema))
    answer = fields.Nested(PetitionAnswerSchema, allow_none=True)
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String(allow_none=True)
    timeline = fields.List(fields.Nested(PetitionEventSchema))


class PetitionPersonSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()
    email = fields.String(allow_none=True)


class PetitionNoteSchema(Schema):
    id = fields.Integer()
    body = fields.String()
    at = fields.DateTime()
    author = fields.Nested(PetitionPersonSchema, allow_none=True)


class StaffPetitionSchema(PetitionSchema):
    petitioner = fields.Nested(PetitionPersonSchema)
    contact_phone = fields.String(allow_none=True)
    assignee = fields.Nested(PetitionPersonSchema, allow_none=True)
    notes = fields.List(fields.Nested(PetitionNoteSchema))


class PetitionQueueItemSchema(Schema):
    receipt_no = fields.String()
    type = fields.String()
    title = fields.String()
    status = fields.String()
    department = fields.String()
    district = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    due_at = fields.DateTime()
    overdue = fields.Boolean()
    due_soon = fields.Boolean()


class PetitionMineArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))


class PetitionQueueArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(STATUSES))
    type = fields.String()
    district = fields.String()
    overdue = fields.Boolean(load_default=False)
    due_soon = fields.Boolean(load_default=False)
    assignee = fields.String(metadata={"description": "me, none or a user id"})
    department = fields.String(metadata={"description": "Department code (admins only)"})
    sort = fields.String(load_default="due", validate=validate.OneOf(("due", "-due", "received", "-received")))


class PetitionDepartmentArgs(Schema):
    department = fields.String(metadata={"description": "Department code (admins only; default: all)"})


class PetitionCountsSchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class PetitionWithdrawSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class PetitionRatingSchema(Schema):
    score = fields.Integer(required=True)
    comment = fields.String(load_default="")


class PetitionAssignSchema(Schema):
    user = fields.Integer(required=True, metadata={"description": "Id of a staff member of the department"})


class PetitionBulkAssignSchema(PetitionAssignSchema):
    receipt_nos = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=100))


class PetitionStatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class PetitionTransferSchema(Schema):
    department = fields.String(required=True, metadata={"description": "Department code"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class PetitionNoteInSchema(Schema):
    body = fields.String(required=True)


class PetitionAnswerInSchema(Schema):
    body = fields.String(required=True)
    template_id = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "The department's answer template the text started from (recorded in the audit log)"})


class PetitionAnswerMultipartSchema(PetitionAnswerInSchema):
    attachments = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}))


class PetitionAuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    department = fields.String(allow_none=True, metadata={"description": "The petition's department then"})
    actor_role = fields.String(allow_none=True, metadata={"description": "The actor's own role then"})
    actor_department = fields.String(allow_none=True, metadata={
        "description": "The actor's own department then (none for an administrator)"})
    detail = fields.Dict()


class PetitionWorkloadRowSchema(Schema):
    assignee = fields.Nested(PetitionPersonSchema, allow_none=True)
    open = fields.Integer()
    overdue = fields.Integer()


class PetitionWorkloadSchema(Schema):
    department = fields.String(allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    assignees = fields.List(fields.Nested(PetitionWorkloadRowSchema))
    overdue = fields.List(fields.Nested(PetitionQueueItemSchema))
