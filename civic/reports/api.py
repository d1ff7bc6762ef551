"""/api/v1 faces of reports and themed maps (GeoJSON)."""

from __future__ import annotations

from flask import request, url_for

from civic import geo
from civic.accounts.auth import current_user, login_required, signed_in_user
from civic.accounts.schemas import AssignSchema
from civic.api import make_blueprint
from civic.api.pagination import PageArgs, page_headers
from civic.api.requests import IDEMPOTENCY_DOC, idempotency_key, read_body
from civic.reports import handling, maps, service
from civic.reports.catalogue import attributes_from_form
from civic.reports.schemas import (
    DuplicateQuery,
    MapSchema,
    PointInput,
    ReportAssignmentSchema,
    ReportInput,
    ReportQuery,
    ServiceSchema,
    UpdateInput,
    report_feature,
)


def _form_attributes(form) -> dict:
    answers = attributes_from_form(form)
    return {"attributes": answers} if answers else {}


bp = make_blueprint("reports_api", __name__, description="Community reports and themed maps (GeoJSON)")

staff_bp = make_blueprint("reports_staff_api", __name__, url_prefix="/staff/reports",
                          description="Staff handling of reports routed to the caller's department")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


@staff_bp.before_request
def _staff_only():
    """Authenticate and authorize before the body is parsed: an anonymous or citizen caller
    gets 401/403, never a 422 that reveals the expected body (the services check again)."""
    from civic.accounts.service import require_role

    require_role(current_user(), "staff")


MULTIPART_DOC = {"requestBody": {"content": {
    "application/json": {"schema": ReportInput},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "service_code": {"type": "string"}, "lat": {"type": "number"}, "lon": {"type": "number"},
        "address": {"type": "string"}, "description": {"type": "string"},
        "photos": {"type": "array", "items": {"type": "string", "format": "binary"}, "maxItems": 3}}}},
}}}


@bp.route("/report-services")
@bp.response(200, ServiceSchema(many=True))
def report_services():
    """The service catalogue, each with its Open311 attributes (extra questions)."""
    return service.list_services()


@bp.route("/reports")
@bp.arguments(ReportQuery, location="query")
@bp.response(200, description="GeoJSON FeatureCollection, newest first")
def list_reports(args):
    """Public reports, filtered by bbox, status, service and district."""
    filters = service.ReportFilters(status=args.get("status"), service_code=args.get("service_code"),
                                    district_code=args.get("district_code"),
                                    bbox=geo.parse_bbox(args.get("bbox")))
    page = service.list_reports(filters, args["page"], args["per_page"])
    body = geo.feature_collection([report_feature(r) for r in page.items])
    return body, 200, page_headers(page)


@bp.route("/reports", methods=["POST"])
@bp.doc(security=[{"bearerAuth": []}], parameters=[IDEMPOTENCY_DOC], **MULTIPART_DOC)
@bp.response(201, description="The new report as a GeoJSON Feature")
@login_required
def create_report():
    """File a report (JSON, or multipart with up to 3 photos in `photos`). Safe to retry with an
    `Idempotency-Key`."""
    key = idempotency_key()
    data, files = read_body(ReportInput(), files=("photos", "photo"), form_extra=_form_attributes)
    location = service.resolve_location(data.get("lat"), data.get("lon"), data.get("address"),
                                        data.get("district_code"))
    report = service.create_report(
        service_code=data["service_code"], location=location, description=data["description"],
        attributes=data["attributes"], photos=[f.stream for f in files], reporter=current_user(),
        show_name=data["show_name"], public_name=data.get("public_name"), client_token=key)
    return report_feature(report, with_updates=True), 201, {
        "Location": url_for("reports_api.get_report", report_id=report.id)}


@bp.route("/reports/duplicates")
@bp.arguments(DuplicateQuery, location="query")
@bp.response(200, description="Open reports of the same service nearby (possible duplicates)")
def duplicates(args):
    """Open reports of the same service within 50 m, nearest first: follow one instead."""
    found = service.nearby_open_reports(args["service_code"], args["lat"], args["lon"])
    return geo.feature_collection([report_feature(r) for r in found])


@bp.route("/reports/<int:report_id>")
@bp.response(200, description="GeoJSON Feature with the public timeline")
def get_report(report_id):
    """One report and its public updates."""
    return report_feature(service.get_report(report_id), with_updates=True)


@bp.route("/reports/<int:report_id>/follow", methods=["POST", "DELETE"])
@bp.doc(security=[{"bearerAuth": []}])
@bp.response(204)
@login_required
def follow(report_id):
    """Follow (POST) or stop following (DELETE) a report's updates."""
    report = service.get_report(report_id)
    if request.method == "DELETE":
        service.unfollow(signed_in_user(), report)
    else:
        service.follow(signed_in_user(), report)
    return "", 204


@bp.route("/reports/<int:report_id>/updates", methods=["POST"])
@bp.doc(security=[{"bearerAuth": []}], parameters=[IDEMPOTENCY_DOC])
@bp.arguments(UpdateInput, location="json")
@bp.response(201, description="The report after the update")
@login_required
def post_update(args, report_id):
    """Staff of the routed department: public update text and/or status change. Safe to retry with
    an `Idempotency-Key`."""
    key = idempotency_key()
    report = service.get_report(report_id)
    handling.post_update(signed_in_user(), report, args["text"], args.get("status"), args.get("close_reason"),
                         client_token=key)
    return report_feature(report, with_updates=True), 201


@staff_bp.route("/<int:report_id>/assign", methods=["POST"])
@staff_bp.arguments(AssignSchema, location="json")
@staff_bp.response(200, ReportAssignmentSchema)
@staff_bp.doc(security=SECURITY)
def staff_assign(args, report_id):
    """Assign to a staff member of the handling department (`user`: null for nobody)."""
    return handling.assign_report(signed_in_user(), service.get_report(report_id), args["user"])


@bp.route("/maps")
@bp.arguments(PageArgs, location="query")
@bp.response(200, MapSchema(many=True))
def list_maps(args):
    """Themed community maps, newest first."""
    page = maps.list_maps(args["page"], args["per_page"])
    return page.items, 200, page_headers(page)


def _photo_url(name: str) -> str:
    return url_for("maps.photo", name=name, _external=True)


@bp.route("/maps/<slug>")
@bp.response(200, description="GeoJSON FeatureCollection of the map's published points")
def get_map(slug):
    """A themed map with its published points."""
    return maps.map_geojson(maps.get_map(slug), _photo_url)


@bp.route("/maps/<slug>/points", methods=["POST"])
@bp.doc(security=[{"bearerAuth": []}], parameters=[IDEMPOTENCY_DOC])
@bp.response(201, description="The new point as a GeoJSON Feature (state published or pending)")
@login_required
def add_point(slug):
    """Add a point (JSON or multipart with one `photo`). Safe to retry with an `Idempotency-Key`."""
    key = idempotency_key()
    cmap = maps.get_map(slug)
    data, files = read_body(PointInput(), files=("photos", "photo"))
    point = maps.add_point(signed_in_user(), cmap, category=data["category"], name=data["name"], lat=data["lat"],
                           lon=data["lon"], note=data["note"], photo=files[0].stream if files else None,
                           client_token=key)
    return geo.point_feature(point.lon, point.lat, {"name": point.name, "category": point.category,
                                                    "note": point.note, "state": point.state}, id=point.id), 201
