"""JSON face of the account's linked devices (``/api/v1/me/devices``)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from civic.accounts.auth import current_user
from civic.api import make_blueprint
from civic.api.pagination import PageArgs, page_headers
from civic.notifications import devices
from civic.webpush.schemas import KeysSchema

bp = make_blueprint("notifications_api", __name__, description="Devices linked to the account for personal updates")


class DeviceIn(Schema):
    """The browser's ``PushSubscription.toJSON()``, and an optional label."""

    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True)
    expirationTime = fields.Raw(allow_none=True, load_default=None)  # noqa: N815 - the browser's name
    keys = fields.Nested(KeysSchema, required=True)
    label = fields.String(load_default="", metadata={"description": "e.g. the phone's name"})


class DeviceOut(Schema):
    id = fields.Integer()
    endpoint = fields.String()
    label = fields.String()
    created_at = fields.DateTime()
    last_sent_at = fields.DateTime(allow_none=True)


@bp.route("/me/devices", methods=["POST"])
@bp.arguments(DeviceIn, location="json")
@bp.response(201, DeviceOut)
@bp.alt_response(200, schema=DeviceOut, description="The endpoint was already linked: updated")
@bp.doc(security=[{"bearerAuth": []}])
def link(data):
    """Link this browser's push subscription to the account for personal updates (401 without one)."""
    device, created = devices.link_device(current_user(), data)
    return device, 201 if created else 200


@bp.route("/me/devices")
@bp.arguments(PageArgs, location="query")
@bp.response(200, DeviceOut(many=True))
@bp.doc(security=[{"bearerAuth": []}])
def index(args):
    """The account's linked devices, oldest first."""
    page = devices.page_of_devices(current_user(), args["page"], args["per_page"])
    return page.items, 200, page_headers(page)


@bp.route("/me/devices/<int:device_id>", methods=["DELETE"])
@bp.response(204)
@bp.doc(security=[{"bearerAuth": []}])
def remove(device_id):
    """Unlink a device (404 for a device of another account)."""
    devices.remove_device(current_user(), device_id)
