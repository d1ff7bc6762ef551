"""Input schema of a browser's push subscription keys, shared by the alert subscription and
account device APIs (each validates the values themselves in its service)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields


class KeysSchema(Schema):
    """``PushSubscription.toJSON().keys``."""

    class Meta:
        unknown = EXCLUDE

    p256dh = fields.String(required=True, metadata={"description": "base64url P-256 point (65 bytes)"})
    auth = fields.String(required=True, metadata={"description": "base64url 16-byte secret"})
