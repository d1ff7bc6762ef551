"""marshmallow schemas for the participation API (input validation and output shapes)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from civic.accounts.schemas import DepartmentSchema, StaffMemberSchema
from civic.api.pagination import PageArgs
from civic.participation.models import OUTCOMES, PUBLIC_STATUSES, RESULTS_VISIBILITY


# --- polls ---
class PollListArgs(PageArgs):
    state = fields.String(validate=validate.OneOf(("open", "upcoming", "closed")))
    district = fields.String(validate=validate.Length(equal=5))


class PollCreateSchema(Schema):
    question = fields.String(required=True, metadata={"description": "Question in Korean"})
    question_en = fields.String(load_default="")
    description = fields.String(load_default="")
    options = fields.List(fields.String(), required=True, metadata={"description": "2 to 10 option labels"})
    opens_at = fields.DateTime(required=True,
                               metadata={"description": "ISO 8601; no offset: the city's time (CIVIC_TIMEZONE)"})
    closes_at = fields.DateTime(required=True)
    district_code = fields.String(load_default=None, allow_none=True)
    results_visibility = fields.String(load_default="after_vote", validate=validate.OneOf(RESULTS_VISIBILITY))
    allow_vote_change = fields.Boolean(load_default=False)


class VoteSchema(Schema):
    option_id = fields.Integer(required=True)


class OptionSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    votes = fields.Integer(allow_none=True, metadata={"description": "null until results are visible"})
    percent = fields.Float(allow_none=True)


class PollSchema(Schema):
    id = fields.Integer(attribute="poll.id")
    question = fields.String(attribute="poll.question_ko")
    question_en = fields.String(attribute="poll.question_en")
    description = fields.String(attribute="poll.description")
    opens_at = fields.DateTime(attribute="poll.opens_at")
    closes_at = fields.DateTime(attribute="poll.closes_at")
    district_code = fields.String(attribute="poll.district_code", allow_none=True)
    results_visibility = fields.String(attribute="poll.results_visibility")
    allow_vote_change = fields.Boolean(attribute="poll.allow_vote_change")
    state = fields.String()
    results_visible = fields.Boolean()
    total_votes = fields.Integer(allow_none=True)
    my_vote = fields.Integer(allow_none=True)
    options = fields.List(fields.Nested(OptionSchema))


class ResultsSchema(Schema):
    poll_id = fields.Integer()
    question = fields.String()
    question_en = fields.String()
    state = fields.String()
    opens_at = fields.String()
    closes_at = fields.String()
    total_votes = fields.Integer()
    options = fields.List(fields.Nested(OptionSchema))


# --- proposals ---
class ProposalListArgs(PageArgs):
    sort = fields.String(load_default="newest", validate=validate.OneOf(("newest", "supports", "near_threshold")))
    status = fields.String(validate=validate.OneOf(PUBLIC_STATUSES))
    district = fields.String(validate=validate.Length(equal=5))
    category = fields.String()


class ProposalCreateSchema(Schema):
    title = fields.String(required=True)
    body = fields.String(required=True)
    category = fields.String(required=True)
    district_code = fields.String(load_default=None, allow_none=True)
    submit = fields.Boolean(load_default=True, metadata={"description": "false keeps it as a draft"})


class ResponseSchema(Schema):
    outcome = fields.String(attribute="response_outcome")
    body = fields.String(attribute="response_body")
    responded_at = fields.DateTime()


class ProposalSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    category = fields.String()
    district_code = fields.String(allow_none=True)
    status = fields.String()
    supports = fields.Integer(attribute="supports_count")
    threshold = fields.Method("get_threshold")
    supported = fields.Method("get_supported")
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True)
    threshold_reached_at = fields.DateTime(allow_none=True)
    response_due_at = fields.DateTime(allow_none=True)
    hidden_reason = fields.Method("get_hidden_reason")
    department = fields.Nested(DepartmentSchema, allow_none=True)
    response = fields.Method("get_response")
    photo_url = fields.Method("get_photo_url")

    def get_threshold(self, obj):
        from civic.participation.service import threshold

        return threshold()

    def get_supported(self, obj):
        from civic.accounts.auth import current_user
        from civic.participation.service import has_supported

        return has_supported(current_user(), obj)

    def get_hidden_reason(self, obj):
        # Only the author and staff ever get here for a hidden proposal (the service decides).
        return obj.hidden_reason

    def get_response(self, obj):
        if obj.responded_at is None:
            return None
        return ResponseSchema().dump(obj)

    def get_photo_url(self, obj):
        from flask import url_for

        return url_for("participation.proposal_photo", proposal_id=obj.id) if obj.photo_name else None


class StaffProposalSchema(ProposalSchema):
    """A proposal as its department's staff see it: with the staff member preparing the response."""

    assignee = fields.Nested(StaffMemberSchema, allow_none=True)


class CommentCreateSchema(Schema):
    body = fields.String(required=True)


class CommentSchema(Schema):
    id = fields.Integer()
    body = fields.String()
    created_at = fields.DateTime()
    hidden = fields.Function(lambda c: c.hidden_at is not None)


class ReportSchema(Schema):
    reason = fields.String(load_default="")


class HideSchema(Schema):
    reason = fields.String(required=True)


class RespondSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    body = fields.String(required=True)


class ProposalCategorySchema(Schema):
    code = fields.String(metadata={"description": "the value of `category` when filing a proposal"})
    name_ko = fields.String()
    name_en = fields.String()
    department = fields.String(allow_none=True,
                               metadata={"description": "code of the department that answers proposals of it"})
