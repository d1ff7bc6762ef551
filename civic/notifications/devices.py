"""Devices linked to an account for personal updates (petition answers, report status, …).

A device is the browser's ``PushSubscription`` (endpoint and keys), checked like an alert
subscription by ``civic.webpush.subscription`` (the endpoint of RFC 3986 characters on an origin
of ``PUSH_SERVICE_ALLOWLIST``, ``p256dh`` a P-256 point, ``auth`` 16 bytes). The same endpoint
linked again (by this or another account: one browser, one endpoint) updates the link.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from civic.api.pagination import paginate
from civic.db import unit_of_work
from civic.errors import N_, NotFound, Unauthorized, ValidationFailed
from civic.extensions import db
from civic.notifications.models import Device, PersonalDelivery
from civic.webpush.subscription import clean_endpoint, clean_keys

MAX_DEVICES = 20


def validate_device(data: dict) -> dict:
    """Clean ``PushSubscription.toJSON()``, or raise ValidationFailed (field → message)."""
    errors: dict[str, str] = {}
    endpoint = clean_endpoint(data.get("endpoint"), errors)
    keys = clean_keys(data.get("keys"), errors)
    if errors:
        raise ValidationFailed(errors)
    label = str(data.get("label") or "").strip()[:100]
    return {"endpoint": endpoint, **keys, "label": label}


def _require_user(user) -> None:
    if user is None:
        raise Unauthorized(N_("Sign in to link a device."))


def link_device(user, data: dict) -> tuple[Device, bool]:
    """Link this browser's push subscription to ``user``; returns (device, created)."""
    _require_user(user)
    clean = validate_device(data)
    with unit_of_work():
        device = db.session.scalar(select(Device).where(Device.endpoint == clean["endpoint"]))
        created = device is None
        if device is None:
            count = len(list_devices(user))
            if count >= MAX_DEVICES:
                raise ValidationFailed({"endpoint": N_("At most %(n)d devices per account.", n=MAX_DEVICES)})
            device = Device(endpoint=clean["endpoint"])
            db.session.add(device)
        elif device.user_id != user.id:
            # The browser now belongs to another account: what was queued for the old one stays unsent.
            db.session.execute(update(PersonalDelivery).where(
                PersonalDelivery.device_id == device.id, PersonalDelivery.state == "pending")
                .values(state="failed", error="device linked to another account"))
        device.user_id = user.id
        device.p256dh, device.auth = clean["p256dh"], clean["auth"]
        device.label = clean["label"] or device.label or ""
        db.session.flush()
    return device, created


def _devices_of(user):
    return select(Device).where(Device.user_id == user.id).order_by(Device.id)


def list_devices(user) -> list[Device]:
    _require_user(user)
    return list(db.session.scalars(_devices_of(user)))


def page_of_devices(user, page: int = 1, per_page: int = 20):
    _require_user(user)
    return paginate(_devices_of(user), page, per_page)


def get_device(user, device_id: int) -> Device:
    """One of ``user``'s devices; anyone else's is NotFound, exactly like one that does not exist."""
    _require_user(user)
    device = db.session.get(Device, device_id)
    if device is None or device.user_id != user.id:
        raise NotFound(N_("No such device."))
    return device


def remove_device(user, device_id: int) -> None:
    """Unlink a device: it gets no more personal updates (its alert subscription is untouched)."""
    with unit_of_work():
        device = get_device(user, device_id)
        _drop(device.id)


def unlink_endpoint(user, endpoint: str) -> None:
    """Unlink by endpoint (the page knows its own subscription, not the id)."""
    _require_user(user)
    with unit_of_work():
        device = db.session.scalar(select(Device).where(Device.endpoint == str(endpoint), Device.user_id == user.id))
        if device is None:
            raise NotFound(N_("This device is not linked."))
        _drop(device.id)


def _drop(device_id: int) -> None:
    db.session.execute(update(PersonalDelivery).where(PersonalDelivery.device_id == device_id)
                       .values(device_id=None))
    db.session.execute(delete(Device).where(Device.id == device_id))


def forget_user(user) -> None:
    """Account deletion hook: every linked device goes (in the caller's transaction)."""
    ids = select(Device.id).where(Device.user_id == user.id).scalar_subquery()
    db.session.execute(update(PersonalDelivery).where(PersonalDelivery.device_id.in_(ids)).values(device_id=None))
    db.session.execute(delete(Device).where(Device.user_id == user.id))
