"""Input and output shapes of the /api/v1 report and map endpoints."""

from __future__ import annotations

from flask import url_for
from marshmallow import EXCLUDE, Schema, fields, validate

from civic import geo
from civic.accounts.schemas import StaffMemberSchema
from civic.api.pagination import PageArgs
from civic.reports.models import CLOSE_REASONS, CONTRIBUTION_MODES, STATUSES


class ReportQuery(PageArgs):
    bbox = fields.String(metadata={"description": "minLon,minLat,maxLon,maxLat"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    service_code = fields.String()
    district_code = fields.String(validate=validate.Length(equal=5))


class DuplicateQuery(Schema):
    service_code = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class ReportInput(Schema):
    class Meta:
        unknown = EXCLUDE

    service_code = fields.String(required=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    address = fields.String(load_default="", validate=validate.Length(max=300))
    district_code = fields.String(allow_none=True)
    description = fields.String(load_default="")
    attributes = fields.Dict(keys=fields.String(), load_default=dict)
    show_name = fields.Boolean(load_default=False)
    public_name = fields.String(allow_none=True, validate=validate.Length(max=100))


class UpdateInput(Schema):
    text = fields.String(load_default="")
    status = fields.String(allow_none=True, validate=validate.OneOf(STATUSES))
    close_reason = fields.String(allow_none=True, validate=validate.OneOf(CLOSE_REASONS))


class ServiceSchema(Schema):
    code = fields.String()
    name_ko = fields.String()
    name_en = fields.String()
    description_ko = fields.String()
    description_en = fields.String()
    group = fields.String()
    expected_hours = fields.Integer(allow_none=True)
    attributes = fields.List(fields.Dict())


class MapSchema(Schema):
    id = fields.Integer()
    slug = fields.String(metadata={"description": "the map's address; /maps/<id> works too"})
    title = fields.String()
    description = fields.String()
    categories = fields.List(fields.String())
    contribution = fields.String(validate=validate.OneOf(CONTRIBUTION_MODES))
    created_at = fields.DateTime()


class ReportAssignmentSchema(Schema):
    """A report's handling as staff see it after an assignment."""

    id = fields.Integer()
    status = fields.String()
    department = fields.Function(lambda report: report.department.code)
    assignee = fields.Nested(StaffMemberSchema, allow_none=True)


class PointInput(Schema):
    class Meta:
        unknown = EXCLUDE

    category = fields.String(required=True)
    name = fields.String(required=True)
    note = fields.String(load_default="")
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


def photo_urls(photo) -> dict:
    return {"url": url_for("reports.photo", name=photo.name, _external=True),
            "thumbnail_url": url_for("reports.photo", name=photo.thumb_name, _external=True),
            "content_type": photo.content_type}


def report_feature(report, *, with_updates: bool = False):
    """A report as a GeoJSON Feature: public fields only (no reporter identity, no contact)."""
    props = {
        "id": report.id, "service_code": report.service.code, "service_name_ko": report.service.name_ko,
        "service_name_en": report.service.name_en, "status": report.status,
        "close_reason": report.close_reason, "description": report.description, "address": report.address,
        "district_code": report.district_code, "department": report.department.code,
        "attributes": report.attributes, "public_name": report.public_name,
        "created_at": report.created_at.isoformat(), "updated_at": report.updated_at.isoformat(),
        "expected_at": report.expected_at.isoformat() if report.expected_at else None,
        "photos": [photo_urls(p) for p in report.photos],
        "url": url_for("reports.detail", report_id=report.id, _external=True),
    }
    if with_updates:
        props["updates"] = [{"created_at": u.created_at.isoformat(), "text": u.text, "status": u.new_status,
                             "close_reason": u.close_reason} for u in report.updates]
    if report.lat is None:
        return {"type": "Feature", "id": report.id, "geometry": None, "properties": props}
    return geo.point_feature(report.lon, report.lat, props, id=report.id)
