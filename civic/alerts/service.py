"""The rules of alerts: the officers' draft → preview → approve → send workflow, updates and
cancellations, and what the public may see. Subscription rules live in ``subscriptions.py`` and
are re-exported here, so every face calls one module."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from shapely.geometry import shape
from sqlalchemy import String, cast, select

from civic import audit
from civic.accounts.service import require_role
from civic.alerts import banner, fanout
from civic.alerts.models import ALERT_TYPES, LEVELS, Alert
from civic.alerts.subscriptions import (  # noqa: F401 - subscription rules, re-exported for every face
    get_subscription,
    send_test_notification,
    subscribe,
    unsubscribe,
    validate_subscription,
)
from civic.alerts.targeting import Audience, audience
from civic.api.pagination import Page, paginate
from civic.db import unit_of_work, utcnow
from civic.errors import N_, Conflict, Forbidden, NotFound, ValidationFailed
from civic.extensions import db
from civic.geo import validate_district_codes, validate_point
from civic.json_input import loads_checked
from civic.timezone import to_utc

# --- alerts: officers ------------------------------------------------------------------------

def _text(data: dict, name: str, errors: dict, *, required: bool, limit: int) -> str:
    value = str(data.get(name) or "").strip()
    if required and not value:
        errors[name] = N_("This field is required.")
    elif len(value) > limit:
        errors[name] = N_("Use at most %(n)d characters.", n=limit)
    return value


def _parse_time(value, field: str, errors: dict) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            errors[field] = N_("Must be an ISO 8601 date and time.")
            return None
    return to_utc(parsed)  # without an offset: the city's wall-clock time


def _validate_polygon(value, errors: dict) -> dict | None:
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = loads_checked(value, "polygon")  # no lone surrogate, no absurd nesting
        except ValueError:
            errors["polygon"] = N_("Must be a GeoJSON Polygon.")
            return None
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    try:
        geom = shape(value)
    except Exception:  # noqa: BLE001 - any malformed GeoJSON is a validation error
        errors["polygon"] = N_("Must be a GeoJSON Polygon.")
        return None
    if geom.geom_type != "Polygon" or not geom.is_valid or geom.is_empty:
        errors["polygon"] = N_("Must be a valid GeoJSON Polygon.")
        return None
    min_x, min_y, max_x, max_y = geom.bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        errors["polygon"] = N_("Coordinates must be longitude, latitude in WGS84.")
        return None
    return {"type": "Polygon", "coordinates": value["coordinates"]}


ENGLISH_REQUIRED_LEVELS = ("urgent", "emergency")


def _english_when_urgent(data: dict, errors: dict) -> None:
    """The officer form asks for English on urgent and emergency alerts: visitors and residents
    who read English must understand the alerts that matter most (relayed national messages,
    written by others, may still be Korean only)."""
    if data.get("level") not in ENGLISH_REQUIRED_LEVELS:
        return
    for name in ("headline_en", "body_en"):
        if not str(data.get(name) or "").strip():
            errors.setdefault(name, N_("Required for urgent and emergency alerts."))


def validate_alert(data: dict, *, require_english: bool = False) -> dict:
    errors: dict[str, str] = {}
    if require_english:
        _english_when_urgent(data, errors)
    clean: dict = {}
    if data.get("type") not in ALERT_TYPES:
        errors["type"] = N_("Choose one of: %(values)s.", values=", ".join(ALERT_TYPES))
    if data.get("level") not in LEVELS:
        errors["level"] = N_("Choose one of: %(values)s.", values=", ".join(LEVELS))
    clean["type"], clean["level"] = data.get("type"), data.get("level")
    clean["headline_ko"] = _text(data, "headline_ko", errors, required=True, limit=160)
    clean["body_ko"] = _text(data, "body_ko", errors, required=True, limit=3000)
    clean["instruction_ko"] = _text(data, "instruction_ko", errors, required=False, limit=2000)
    clean["headline_en"] = _text(data, "headline_en", errors, required=False, limit=160)
    clean["body_en"] = _text(data, "body_en", errors, required=False, limit=3000)
    clean["instruction_en"] = _text(data, "instruction_en", errors, required=False, limit=2000)
    districts = data.get("districts") or []
    try:
        clean["districts"] = sorted(set(validate_district_codes(list(districts))))
    except ValidationFailed as exc:
        errors.update(exc.errors)
    clean["polygon"] = _validate_polygon(data.get("polygon"), errors)
    circle: dict[str, Any] = {k: data.get(f"circle_{k}") for k in ("lat", "lon", "radius_m")}
    clean.update(circle_lat=None, circle_lon=None, circle_radius_m=None)
    if any(v not in (None, "") for v in circle.values()):
        try:
            lat, lon = validate_point(circle["lat"], circle["lon"], field_lat="circle_lat", field_lon="circle_lon")
            radius = float(circle["radius_m"])
            if not 10 <= radius <= 100_000:
                raise ValueError
            clean.update(circle_lat=lat, circle_lon=lon, circle_radius_m=radius)
        except ValidationFailed as exc:
            errors.update(exc.errors)
        except (TypeError, ValueError):
            errors["circle_radius_m"] = N_("Must be between 10 and 100000 metres.")
    if not errors.get("districts") and not clean.get("districts") and not clean["polygon"] \
            and clean["circle_radius_m"] is None and "polygon" not in errors and "circle_lat" not in errors:
        errors["districts"] = N_("Choose at least one district, or draw a polygon or circle.")
    onset = _parse_time(data.get("onset"), "onset", errors) or utcnow()
    expires = _parse_time(data.get("expires"), "expires", errors)
    if expires is None and data.get("expires_in_min") not in (None, ""):
        try:
            expires = onset + timedelta(minutes=int(data["expires_in_min"]))
        except (TypeError, ValueError):
            errors["expires_in_min"] = N_("Must be a whole number of minutes.")
    expires = expires or onset + timedelta(minutes=int(current_app.config["ALERTS_DEFAULT_EXPIRY_MIN"]))
    if expires <= onset and "expires" not in errors:
        errors["expires"] = N_("Must be after the onset.")
    clean["onset"], clean["expires"] = onset, expires
    if errors:
        raise ValidationFailed(errors)
    return clean


def create_draft(officer, data: dict, *, references: Alert | None = None, msg_type: str = "Alert",
                 require_english: bool = False) -> Alert:
    """A new draft alert (or an Update/Cancel of a sent one), written by an alert officer."""
    require_role(officer, "alert_officer")
    clean = validate_alert(data, require_english=require_english)
    with unit_of_work():
        alert = Alert(identifier=f"urn:uuid:{uuid.uuid4()}", msg_type=msg_type, status="draft",
                      created_by_id=officer.id, references_id=references.id if references else None, **clean)
        db.session.add(alert)
        db.session.flush()
        audit.record(officer, "alert.draft", "alert", alert.id, department_id=officer.department_id,
                     msg_type=msg_type, level=alert.level)
    return alert


def create_followup(officer, original: Alert, msg_type: str, data: dict) -> Alert:
    """An Update or Cancel that references a sent alert; it replaces it on devices (same topic)."""
    require_role(officer, "alert_officer")
    if msg_type not in ("Update", "Cancel"):
        raise ValidationFailed({"msg_type": N_("Must be Update or Cancel.")})
    if original.status == "draft":
        raise Conflict(N_("Only a sent alert can be updated or cancelled."))
    merged = {name: getattr(original, name) for name in (
        "type", "level", "headline_ko", "body_ko", "instruction_ko", "headline_en", "body_en", "instruction_en",
        "districts", "polygon", "circle_lat", "circle_lon", "circle_radius_m", "expires")}
    merged.update({k: v for k, v in data.items() if v not in (None, "")})
    merged["onset"] = data.get("onset") or None
    return create_draft(officer, merged, references=original, msg_type=msg_type)


def update_draft(officer, alert: Alert, data: dict, *, require_english: bool = False) -> Alert:
    require_role(officer, "alert_officer")
    if alert.status != "draft":
        raise Conflict(N_("A sent alert cannot be edited; send an update instead."))
    clean = validate_alert(data, require_english=require_english)
    with unit_of_work():
        for name, value in clean.items():
            setattr(alert, name, value)
        alert.approved_by_id = None  # the approval was for the old text
        audit.record(officer, "alert.edit", "alert", alert.id, department_id=officer.department_id)
    return alert


def preview(officer, alert: Alert) -> Audience:
    """How many subscriptions the alert will reach, in total and per district."""
    require_role(officer, "alert_officer")
    return audience(alert)


def approve(officer, alert: Alert) -> Alert:
    """The second officer's approval an ``emergency`` alert needs before it can be sent."""
    require_role(officer, "alert_officer")
    if alert.status != "draft":
        raise Conflict(N_("Only a draft can be approved."))
    if alert.level != "emergency":
        raise Conflict(N_("Only emergency alerts need an approval."))
    if alert.created_by_id == officer.id:
        raise Forbidden(N_("A second officer must approve an emergency alert."))
    with unit_of_work():
        alert.approved_by_id = officer.id
        audit.record(officer, "alert.approve", "alert", alert.id, department_id=officer.department_id)
    return alert


def send(officer, alert: Alert) -> Alert:
    """Send a draft: it becomes public (CAP, feed, history) and the fan-out starts."""
    require_role(officer, "alert_officer")
    if alert.status != "draft":
        raise Conflict(N_("This alert has already been sent."))
    if alert.level == "emergency" and alert.approved_by_id is None:
        raise Conflict(N_("An emergency alert needs a second officer's approval before it is sent."))
    with unit_of_work():
        alert.status = "sending"
        alert.sent_at = utcnow()
        alert.sent_by_id = officer.id
        audit.record(officer, "alert.send", "alert", alert.id, department_id=officer.department_id,
                     msg_type=alert.msg_type, references=alert.references_id)
    banner.invalidate()
    fanout.start(alert.id)
    db.session.refresh(alert)
    return alert


def send_as_operator(data: dict, officer=None, approver=None) -> Alert:
    """The CLI path for operators and automation (shell access is already trusted): without an
    officer the system sends; an ``emergency`` still needs two different alert officers."""
    if officer is not None:
        if data.get("level") == "emergency" and approver is None:
            raise Forbidden(N_("An emergency alert needs a second officer's approval (--approver)."))
        alert = create_draft(officer, data)
        if alert.level == "emergency":
            approve(approver, alert)
        return send(officer, alert)
    if data.get("level") == "emergency":
        raise Forbidden(N_("An emergency alert needs two alert officers (--officer and --approver)."))
    clean = validate_alert(data)
    with unit_of_work():
        alert = Alert(identifier=f"urn:uuid:{uuid.uuid4()}", msg_type="Alert", status="sending",
                      sent_at=utcnow(), **clean)
        db.session.add(alert)
        db.session.flush()
        audit.record(None, "alert.send", "alert", alert.id, via="cli", level=alert.level)
    banner.invalidate()
    fanout.start(alert.id)
    db.session.refresh(alert)
    return alert


def resume(officer, alert: Alert) -> int:
    """Re-enqueue the open batches of an alert whose fan-out stalled (e.g. a worker died)."""
    require_role(officer, "alert_officer")
    if alert.status != "sending":
        raise Conflict(N_("This alert is not being sent."))
    return fanout.plan_fanout(alert.id)


def progress(officer, alert: Alert) -> dict[str, int]:
    require_role(officer, "alert_officer")
    return fanout.progress(alert)


def staff_list(officer, page: int = 1, per_page: int = 20) -> Page:
    require_role(officer, "alert_officer")
    return paginate(select(Alert).order_by(Alert.id.desc()), page, per_page)


def staff_get(officer, alert_id: int) -> Alert:
    require_role(officer, "alert_officer")
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(N_("No such alert."))
    return alert


# --- alerts: the public ----------------------------------------------------------------------

def public_query(type_: str | None = None, level: str | None = None, district: str | None = None):
    query = select(Alert).where(Alert.status != "draft")
    if type_:
        query = query.where(Alert.type == type_)
    if level:
        query = query.where(Alert.level == level)
    if district:
        query = query.where(cast(Alert.districts, String).like(f'%"{district}"%'))
    return query.order_by(Alert.sent_at.desc(), Alert.id.desc())


def history(type_=None, level=None, district=None, page: int = 1, per_page: int = 20,
            exclude: Iterable[int] = ()) -> Page:
    """Sent alerts, newest first, optionally filtered; ``exclude``: ids listed elsewhere (the
    alerts in force, on the alerts page)."""
    if type_ and type_ not in ALERT_TYPES:
        raise ValidationFailed({"type": N_("Unknown alert type.")})
    if level and level not in LEVELS:
        raise ValidationFailed({"level": N_("Unknown level.")})
    if district:
        validate_district_codes([district], field="district")
    query = public_query(type_, level, district)
    excluded = list(exclude)
    if excluded:
        query = query.where(Alert.id.not_in(excluded))
    return paginate(query, page, per_page)


def get_public(alert_id: int) -> Alert:
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.status == "draft":
        raise NotFound(N_("No such alert."))
    return alert


def followups(alert: Alert) -> list[Alert]:
    return list(db.session.scalars(select(Alert).where(Alert.references_id == alert.id, Alert.status != "draft")
                                   .order_by(Alert.id)))


def active_alerts(now: datetime | None = None) -> list[Alert]:
    """Sent, not expired, and not replaced by a sent Update or Cancel."""
    now = now or utcnow()
    superseded = select(Alert.references_id).where(Alert.references_id.is_not(None), Alert.status != "draft")
    return list(db.session.scalars(
        select(Alert).where(Alert.status != "draft", Alert.expires > now, Alert.id.not_in(superseded))
        .order_by(Alert.sent_at.desc())))
