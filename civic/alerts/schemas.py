"""Input and output schemas of the alerts API (the rules themselves live in the service)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from civic.alerts.models import ALERT_TYPES, LEVELS
from civic.api.pagination import PageArgs
from civic.webpush.schemas import KeysSchema


class SubscriptionIn(Schema):
    """The browser's ``PushSubscription.toJSON()`` plus what to be alerted about."""

    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True)
    expirationTime = fields.Raw(allow_none=True, load_default=None)  # noqa: N815 - the browser's name
    keys = fields.Nested(KeysSchema, required=True)
    districts = fields.List(fields.String(), load_default=list)
    types = fields.List(fields.String(), load_default=list)
    lat = fields.Float(allow_none=True, load_default=None)
    lon = fields.Float(allow_none=True, load_default=None)
    lang = fields.String(load_default="ko")


class EndpointIn(Schema):
    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True)


class SubscriptionOut(Schema):
    id = fields.Integer()
    endpoint = fields.String()
    districts = fields.List(fields.String(), attribute="chosen_districts")
    location_district = fields.String(allow_none=True)
    types = fields.List(fields.String(), attribute="type_list")
    lang = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class VapidKeyOut(Schema):
    publicKey = fields.String()  # noqa: N815 - what PushManager.subscribe() expects


class TestOut(Schema):
    outcome = fields.String(metadata={"description": "sent, failed or gone"})


class AlertArgs(PageArgs):
    type = fields.String(validate=validate.OneOf(ALERT_TYPES))
    level = fields.String(validate=validate.OneOf(LEVELS))
    district = fields.String(validate=validate.Regexp(r"^\d{5}$"))


class AlertOut(Schema):
    id = fields.Integer()
    identifier = fields.String()
    msg_type = fields.String()
    references_id = fields.Integer(allow_none=True)
    type = fields.String()
    level = fields.String()
    headline_ko = fields.String()
    body_ko = fields.String()
    instruction_ko = fields.String()
    headline_en = fields.String()
    body_en = fields.String()
    instruction_en = fields.String()
    districts = fields.List(fields.String())
    polygon = fields.Dict(allow_none=True)
    circle_lat = fields.Float(allow_none=True)
    circle_lon = fields.Float(allow_none=True)
    circle_radius_m = fields.Float(allow_none=True)
    onset = fields.DateTime()
    expires = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    status = fields.String()
    source = fields.String(allow_none=True, metadata={
        "description": "relayed alerts only: safetydata, disastermsg or cap:<sender>; null for the city's own"})
    source_ref = fields.String(allow_none=True, metadata={"description": "the source's serial or CAP identifier"})
    source_name = fields.String(metadata={"description": "the issuer's name (CAP senderName)"})
    source_sent_at = fields.DateTime(allow_none=True, metadata={"description": "when the source issued it"})


class ProgressOut(Schema):
    status = fields.String()
    audience = fields.Integer()
    pending = fields.Integer()
    sending = fields.Integer()
    sent = fields.Integer()
    failed = fields.Integer()
    gone = fields.Integer()
    total = fields.Integer()
