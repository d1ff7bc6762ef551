"""Report rules: creation with photos, duplicates, followers, status timeline (the catalogue and
routing live in ``catalogue.py`` and are re-exported here for the faces).

Plain functions, HTTP-free. Authorization ("may this user change this report?") lives here.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from civic import events, geo, uploads
from civic.accounts.models import ApiClient, User
from civic.accounts.service import require_role
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Forbidden, NotFound, ValidationFailed
from civic.extensions import db
from civic.idempotency import clean_token, create_once
from civic.reports.catalogue import (  # noqa: F401  (the faces use them through this module)
    check_attributes,
    get_service,
    list_routing_rules,
    list_services,
    route_report,
    set_routing_rule,
    upsert_service,
    validate_attribute_definitions,
)
from civic.reports.facts import facts
from civic.reports.models import (
    STATUSES,
    Report,
    ReportFollower,
    ReportPhoto,
    Service,
)
from civic.reports.text import plain_text
from civic.timezone import end_of_working_days

MAX_DESCRIPTION = 4000
MAX_PHOTOS = 3
CONTACT_FIELDS = ("email", "first_name", "last_name", "phone", "device_id", "account_id")


# --- creating reports ----------------------------------------------------------------------

@dataclass
class Location:
    lat: float | None
    lon: float | None
    address: str
    district_code: str | None


def resolve_location(lat=None, lon=None, address: str | None = None, district_code: str | None = None,
                     *, lat_field: str = "lat", lon_field: str = "lon") -> Location:
    """A point (checked, inside the city) or an address/landmark text; the district comes from
    the point, else from an explicit code, else from a district name found in the address."""
    address = plain_text(address)[:300]
    has_point = lat not in (None, "") or lon not in (None, "")
    if has_point:
        lat, lon = geo.validate_point(lat, lon, field_lat=lat_field, field_lon=lon_field)
        district = geo.district_at(lat, lon)
        if district is None:
            raise ValidationFailed({lat_field: N_("The location is outside the city's service area.")})
        return Location(lat, lon, address, district.code)
    if not address:
        raise ValidationFailed({lat_field: N_("Give a location on the map or an address or landmark.")})
    if district_code:
        district_code = geo.validate_district_codes([district_code], field="district_code")[0]
    else:
        district_code = district_from_text(address)
    return Location(None, None, address, district_code)


def district_from_text(text: str) -> str | None:
    """The district whose Korean or English name appears in an address, if exactly one does."""
    lowered = text.lower()
    found = {d.code for d in geo.all_districts()
             if d.name_ko in text or d.name_en.lower() in lowered
             or d.name_en.lower().removesuffix("-gu") + "-gu" in lowered}
    return found.pop() if len(found) == 1 else None


def expected_by(filed_at, expected_hours: int | None):
    """When a report of a service that takes ``expected_hours`` should be handled: the end of a
    working day (72 hours = 3 working days after the day it was filed)."""
    if not expected_hours:
        return None
    return end_of_working_days(filed_at, -(-expected_hours // 24))


def create_report(*, service_code: str, location: Location, description: str = "",
                  attributes: dict | None = None, photos: Iterable = (), reporter: User | None = None,
                  client: ApiClient | None = None, show_name: bool = False, public_name: str | None = None,
                  contact: dict | None = None, media_url: str | None = None,
                  client_token: str | None = None) -> Report:
    """File a report. Photos are stored first; if anything after that fails they are deleted,
    so no half-made report and no orphan file remains. A ``client_token`` already used by this
    reporter returns that report instead of filing a second one (a draft sent twice, an API
    ``Idempotency-Key`` resent); the same token with a different report is a Conflict."""
    if reporter is None and client is None:
        raise Forbidden(N_("Sign in to report a problem."))
    if reporter is not None:
        from civic.accounts.recovery import require_confirmed

        require_confirmed(reporter)
    client_token = clean_token(client_token)
    description = plain_text(description)
    sent = (service_code, description, _point(location.lat, location.lon))

    def owned(report: Report) -> bool:
        if reporter is not None:
            return report.reporter_id == reporter.id
        return client is not None and report.api_client_id == client.id

    return create_once(
        Report, client_token,
        lambda: _file_report(service_code, location, description, attributes, photos, reporter, client, show_name,
                             public_name, contact, media_url, client_token),
        owned=owned, same=lambda r: (r.service.code, r.description, _point(r.lat, r.lon)) == sent)


def _file_report(service_code: str, location: Location, description: str, attributes: dict | None,
                 photos: Iterable, reporter: User | None, client: ApiClient | None, show_name: bool,
                 public_name: str | None, contact: dict | None, media_url: str | None,
                 client_token: str | None) -> Report:
    service = get_service(service_code)
    errors = {}
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = N_("Use at most %(n)d characters.", n=MAX_DESCRIPTION)
    photos = [p for p in photos if p is not None]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = N_("Attach at most %(n)d photos.", n=MAX_PHOTOS)
    if media_url and not re.match(r"https?://", media_url):
        errors["media_url"] = N_("Must be an http(s) URL.")
    if errors:
        raise ValidationFailed(errors)
    answers = check_attributes(service, attributes)
    name = None
    if show_name:
        name = plain_text(public_name or (reporter.display_name if reporter else ""))[:100] or None
    department = route_report(service.code, location.district_code)
    stored: list[uploads.StoredImage] = []
    try:
        for stream in photos:
            stored.append(uploads.save_image(stream, field="photos"))
        now = utcnow()
        with unit_of_work():
            report = Report(
                service=service, lat=location.lat, lon=location.lon, address=location.address,
                district_code=location.district_code, description=description, attributes=answers,
                status="open", department=department, reporter=reporter, api_client=client,
                public_name=name, contact={k: str(v)[:200] for k, v in (contact or {}).items()
                                           if k in CONTACT_FIELDS and v},
                media_url=(media_url or None) and media_url[:500], token=secrets.token_urlsafe(12),
                client_token=client_token,
                expected_at=expected_by(now, service.expected_hours),
                created_at=now, updated_at=now,
            )
            for position, image in enumerate(stored):
                report.photos.append(ReportPhoto(name=image.name, thumb_name=image.thumb_name,
                                                 content_type=image.content_type, position=position))
            db.session.add(report)
            db.session.flush()
            events.emit(events.ReportFiled(report.id, after=facts(report)))
    except BaseException:
        for image in stored:
            uploads.delete_image(image.name, image.thumb_name)
        raise
    return report


def _point(lat: float | None, lon: float | None) -> tuple | None:
    return None if lat is None or lon is None else (round(lat, 6), round(lon, 6))


def nearby_open_reports(service_code: str, lat: float, lon: float, radius_m: float | None = None,
                        exclude_id: int | None = None) -> list[Report]:
    """Open reports of the same service within ``radius_m`` (default 50 m), nearest first."""
    radius_m = radius_m or current_app.config["REPORTS_DUPLICATE_RADIUS_M"]
    lat, lon = geo.validate_point(lat, lon)
    box = geo.BBox.around(lat, lon, radius_m)
    service = get_service(service_code, active_only=False)
    query = (select(Report)
             .where(Report.service_id == service.id, Report.status != "closed",
                    Report.lat.between(box.min_lat, box.max_lat), Report.lon.between(box.min_lon, box.max_lon)))
    if exclude_id:
        query = query.where(Report.id != exclude_id)
    found = [(geo.haversine_m(lat, lon, r.lat, r.lon), r) for r in db.session.scalars(query)
             if r.lat is not None and r.lon is not None]      # always: the query bounds both
    return [r for d, r in sorted(found, key=lambda x: x[0]) if d <= radius_m]


# --- reading -------------------------------------------------------------------------------

def get_report(report_id) -> Report:
    try:
        report = db.session.get(Report, int(report_id))
    except (TypeError, ValueError):
        report = None
    if report is None:
        raise NotFound(N_("No such report."))
    return report


def report_by_token(token: str) -> Report:
    report = db.session.scalar(select(Report).where(Report.token == str(token)))
    if report is None:
        raise NotFound(N_("No report for this token."))
    return report


@dataclass
class ReportFilters:
    status: str | None = None          # one of STATUSES, or "open_any" for not closed
    service_code: str | None = None
    district_code: str | None = None
    bbox: geo.BBox | None = None
    department_id: int | None = None
    reporter_id: int | None = None


def _filtered(filters: ReportFilters):
    query = select(Report)
    if filters.status == "open_any":
        query = query.where(Report.status != "closed")
    elif filters.status:
        if filters.status not in STATUSES:
            raise ValidationFailed({"status": N_("One of %(values)s.", values=", ".join(STATUSES))})
        query = query.where(Report.status == filters.status)
    if filters.service_code:
        query = query.join(Service).where(Service.code == filters.service_code)
    if filters.district_code:
        query = query.where(Report.district_code == filters.district_code)
    if filters.bbox:
        box = filters.bbox
        query = query.where(Report.lat.between(box.min_lat, box.max_lat), Report.lon.between(box.min_lon, box.max_lon))
    if filters.department_id:
        query = query.where(Report.department_id == filters.department_id)
    if filters.reporter_id:
        query = query.where(Report.reporter_id == filters.reporter_id)
    return query.options(selectinload(Report.photos)).order_by(Report.created_at.desc(), Report.id.desc())


def list_reports(filters: ReportFilters, page: int = 1, per_page: int = 20) -> Page:
    """Public list: every report is public (without the reporter's identity)."""
    return paginate(_filtered(filters), page, per_page)


def my_reports(user: User, page: int = 1, per_page: int = 20) -> Page:
    require_role(user, "citizen")
    return paginate(_filtered(ReportFilters(reporter_id=user.id)), page, per_page)


# --- followers and updates -----------------------------------------------------------------

def is_following(user: User | None, report: Report) -> bool:
    if user is None:
        return False
    return db.session.scalar(select(ReportFollower.id).where(
        ReportFollower.report_id == report.id, ReportFollower.user_id == user.id)) is not None


def follow(user: User, report: Report) -> bool:
    """Follow a report (e.g. instead of filing a duplicate). Returns False if already following."""
    require_role(user, "citizen")
    if is_following(user, report) or report.reporter_id == user.id:
        return False
    try:
        with unit_of_work():
            db.session.add(ReportFollower(report_id=report.id, user_id=user.id))
    except IntegrityError:          # a concurrent request followed first
        return False
    return True


def unfollow(user: User, report: Report) -> None:
    require_role(user, "citizen")
    with unit_of_work():
        row = db.session.scalar(select(ReportFollower).where(
            ReportFollower.report_id == report.id, ReportFollower.user_id == user.id))
        if row is not None:
            db.session.delete(row)


def public_photos(report: Report) -> list[ReportPhoto]:
    return list(report.photos)


def photo_by_name(name: str) -> tuple[ReportPhoto, bool]:
    """The photo row for a stored (full or thumbnail) name of a visible report."""
    photo = db.session.scalar(select(ReportPhoto).where(
        or_(ReportPhoto.name == name, ReportPhoto.thumb_name == name)))
    if photo is None:
        raise NotFound(N_("No such photo."))
    return photo, photo.thumb_name == name


def forget_user(user) -> None:
    """Account deletion hook: the reports stay public (anonymous); the name shown on them, the
    Open311 contact data, follows and map memberships go. (The bulk update of reports emits no
    event: it changes no column an event consumer reads; allowed in tests/test_events_rules.py.)"""
    from sqlalchemy import delete, update

    from civic.reports.models import MapContributor, Report, ReportFollower

    db.session.execute(update(Report).where(Report.reporter_id == user.id).values(public_name=None, contact={}))
    db.session.execute(delete(ReportFollower).where(ReportFollower.user_id == user.id))
    db.session.execute(delete(MapContributor).where(MapContributor.user_id == user.id))
