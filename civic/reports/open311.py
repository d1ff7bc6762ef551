"""Open311 GeoReport v2 at ``/open311/v2/``: a protocol face over the report service.

Field names, XML shapes and the ``errors`` format follow the GeoReport v2 specification.
Open311 knows two statuses: every civic status but ``closed`` is ``open``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, current_app, json, request, url_for
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from civic.accounts.service import client_for_key
from civic.errors import N_, Forbidden, NotFound, ValidationFailed
from civic.extensions import db
from civic.reports import service
from civic.reports.catalogue import attributes_from_form
from civic.reports.models import Report, Service
from civic.timezone import to_local, to_utc

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FORMATS = "any(json,xml)"
SPEC_URL = "http://wiki.open311.org/GeoReport_v2"


# --- search (the GET requests query) -------------------------------------------------------

def search_requests(*, ids: list[int] | None = None, service_codes: list[str] | None = None,
                    statuses: list[str] | None = None, start: datetime | None = None,
                    end: datetime | None = None, limit: int = 1000) -> list[Report]:
    """Open311 GET requests: by ids (other filters ignored), else by code, status and window.
    Open311 knows only open and closed; every state but ``closed`` is open."""
    query = select(Report)
    if ids:
        query = query.where(Report.id.in_(ids))
    else:
        if service_codes:
            query = query.join(Service).where(Service.code.in_(service_codes))
        if statuses and set(statuses) != {"open", "closed"}:
            query = query.where(Report.status == "closed" if statuses == ["closed"] else Report.status != "closed")
        if start:
            query = query.where(Report.created_at >= start)
        if end:
            query = query.where(Report.created_at <= end)
    query = query.options(selectinload(Report.updates), selectinload(Report.photos))
    return list(db.session.scalars(query.order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)))


# --- rendering -----------------------------------------------------------------------------

def _xml_value(element: ET.Element, value) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def _to_xml(parent: ET.Element, data: dict, list_items: dict[str, str]) -> None:
    for key, value in data.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, list):
            item_name = list_items[key]
            for item in value:
                node = ET.SubElement(child, item_name)
                if isinstance(item, dict):
                    _to_xml(node, item, list_items)
                else:
                    _xml_value(node, item)
        elif isinstance(value, dict):
            _to_xml(child, value, list_items)
        else:
            _xml_value(child, value)


LIST_ITEMS = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}


def render(fmt: str, root: str, item: str | None, data, status: int = 200) -> Response:
    """JSON as given; XML as ``<root><item>…</item>…</root>`` (or ``<root>…</root>`` for a dict)."""
    if fmt == "xml":
        element = ET.Element(root)
        if item is None:
            _to_xml(element, data, LIST_ITEMS)
        else:
            for entry in data:
                _to_xml(ET.SubElement(element, item), entry, LIST_ITEMS)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")
        return Response(body, status=status, mimetype="text/xml", content_type="text/xml; charset=utf-8")
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")


def error_response(status: int, title: str, detail: str, errors: dict) -> Response:
    """Registered for ``/open311/``: every error is an Open311 ``errors`` array."""
    status = {401: 403, 422: 400}.get(status, status)
    if errors:
        entries = [{"code": status, "description": f"{field}: {message}"} for field, message in errors.items()]
    else:
        entries = [{"code": status, "description": detail or title}]
    fmt = "xml" if request.path.endswith(".xml") else "json"
    return render(fmt, "errors", "error", entries, status)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return to_local(value).isoformat(timespec="seconds")


def _locale() -> str:
    wanted = request.args.get("locale", "")[:2]
    return wanted if wanted in current_app.config["LANGUAGES"] else str(get_locale())


def service_json(svc: Service, locale: str) -> dict:
    return {"service_code": svc.code, "service_name": svc.name(locale), "description": svc.description(locale),
            "metadata": bool(svc.attributes), "type": "realtime", "keywords": svc.keywords, "group": svc.group}


def definition_json(svc: Service, locale: str) -> dict:
    attributes = []
    for a in sorted(svc.attributes or [], key=lambda a: a.get("order") or 0):
        entry = {"variable": a.get("variable", True), "code": a["code"], "datatype": a["datatype"],
                 "required": a.get("required", False), "datatype_description": a.get("datatype_description"),
                 "order": a.get("order"),
                 "description": a.get("description_ko") if locale == "ko" else a.get("description")}
        if a.get("values"):
            entry["values"] = [{"key": v["key"], "name": v.get("name_ko") if locale == "ko" else v["name"]}
                               for v in a["values"]]
        attributes.append(entry)
    return {"service_code": svc.code, "attributes": attributes}


def request_json(report: Report, locale: str) -> dict:
    notes = next((u.text for u in reversed(report.updates) if u.text), None)
    media: str | None
    if report.photos:
        media = url_for("reports.photo", name=report.photos[0].name, _external=True)
    else:
        media = report.media_url
    return {
        "service_request_id": str(report.id),
        "status": "closed" if report.status == "closed" else "open",
        "status_notes": notes,
        "service_name": report.service.name(locale),
        "service_code": report.service.code,
        "description": report.description or None,
        "agency_responsible": report.department.name(locale),
        "service_notice": None,
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(report.updated_at),
        "expected_datetime": _iso(report.expected_at),
        "address": report.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": media,
    }


def _check_jurisdiction() -> None:
    given = request.values.get("jurisdiction_id")
    if given and given != current_app.config["OPEN311_JURISDICTION"]:
        raise NotFound(N_("jurisdiction_id %(given)s not found.", given=given))


# --- endpoints -----------------------------------------------------------------------------

@bp.route(f"/discovery.<{FORMATS}:fmt>")
def discovery(fmt):
    changeset = current_app.config["OPEN311_CHANGESET"]
    data = {
        "changeset": changeset,
        "contact": current_app.config["OPEN311_CONTACT"],
        "key_service": current_app.config["OPEN311_KEY_SERVICE"],
        "endpoints": [{
            "specification": SPEC_URL,
            "url": url_for("open311.discovery", fmt="json", _external=True).rsplit("/discovery", 1)[0],
            "changeset": changeset, "type": "production", "formats": ["text/xml", "application/json"],
        }],
    }
    return render(fmt, "discovery", None, data)


@bp.route(f"/services.<{FORMATS}:fmt>")
def services(fmt):
    _check_jurisdiction()
    locale = _locale()
    return render(fmt, "services", "service", [service_json(s, locale) for s in service.list_services()])


@bp.route(f"/services/<code>.<{FORMATS}:fmt>")
def service_definition(code, fmt):
    _check_jurisdiction()
    svc = service.get_service(code)
    return render(fmt, "service_definition", None, definition_json(svc, _locale()))


def _parse_datetime(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise ValidationFailed({name: N_("Use a W3C (ISO 8601) date-time, e.g. 2026-11-27T09:00:00+09:00.")}) from None
    return to_utc(value)  # without an offset: the city's wall-clock time


def _parse_list(name: str) -> list[str]:
    return [v.strip() for v in request.args.get(name, "").split(",") if v.strip()]


@bp.route(f"/requests.<{FORMATS}:fmt>", methods=["GET"])
def list_requests(fmt):
    _check_jurisdiction()
    locale = _locale()
    limit = current_app.config["OPEN311_MAX_RESULTS"]
    ids = _parse_list("service_request_id")
    if ids:
        if not all(i.isascii() and i.isdigit() for i in ids):  # "¹".isdigit() is true
            raise ValidationFailed({"service_request_id": N_("Give numeric ids separated by commas.")})
        reports = search_requests(ids=[int(i) for i in ids], limit=limit)
        return render(fmt, "service_requests", "request", [request_json(r, locale) for r in reports])
    statuses = _parse_list("status")
    if any(s not in ("open", "closed") for s in statuses):
        raise ValidationFailed({"status": N_("Use open, closed or both (comma separated).")})
    window = timedelta(days=current_app.config["OPEN311_MAX_WINDOW_DAYS"])
    start, end = _parse_datetime("start_date"), _parse_datetime("end_date")
    if end is None:
        end = start + window if start else datetime.now(UTC)
    if start is None:
        start = end - window
    if start > end:
        raise ValidationFailed({"start_date": N_("start_date must be before end_date.")})
    if end - start > window:
        raise ValidationFailed({"end_date": N_("The date range may not span more than %(n)d days.", n=window.days)})
    reports = search_requests(service_codes=_parse_list("service_code"), statuses=statuses,
                                      start=start, end=end, limit=limit)
    return render(fmt, "service_requests", "request", [request_json(r, locale) for r in reports])


@bp.route(f"/requests/<int:request_id>.<{FORMATS}:fmt>")
def get_request(request_id, fmt):
    _check_jurisdiction()
    report = service.get_report(request_id)
    return render(fmt, "service_requests", "request", [request_json(report, _locale())])


@bp.route(f"/tokens/<token>.<{FORMATS}:fmt>")
def get_token(token, fmt):
    _check_jurisdiction()
    report = service.report_by_token(token)
    return render(fmt, "service_requests", "request", [{"service_request_id": str(report.id), "token": token}])


@bp.route(f"/requests.<{FORMATS}:fmt>", methods=["POST"])
def create_request(fmt):
    form = request.form
    # Only from the body: a key in the query string would end up in access logs.
    client = client_for_key(form.get("api_key"))
    if client is None:
        raise Forbidden(N_("Invalid api_key received -- can't proceed with create_request."))
    _check_jurisdiction()
    code = form.get("service_code", "").strip()
    if not code:
        raise ValidationFailed({"service_code": N_("service_code is required.")})
    svc = service.get_service(code)
    if not (form.get("lat") or form.get("long") or form.get("address_string") or form.get("address_id")):
        raise ValidationFailed({"lat": N_("Give lat and long, address_string or address_id.")})
    location = service.resolve_location(form.get("lat"), form.get("long"),
                                        form.get("address_string") or form.get("address_id"),
                                        lat_field="lat", lon_field="long")
    attributes = attributes_from_form(form)
    # Many Open311 clients (e.g. FixMyStreet's) upload the photo itself as multipart ``media``.
    media = [f.stream for f in request.files.getlist("media") if f and f.filename]
    report = service.create_report(
        service_code=svc.code, location=location, description=form.get("description", ""),
        attributes=attributes, client=client, media_url=form.get("media_url") or None, photos=media,
        contact={k: form.get(k) for k in service.CONTACT_FIELDS},
        show_name=False,
    )
    data = [{"service_request_id": str(report.id), "token": report.token,
             "service_notice": None, "account_id": form.get("account_id") or None}]
    return render(fmt, "service_requests", "request", data)
