"""The checks of a browser's ``PushSubscription`` (endpoint and keys): the one set for alert
subscriptions (``civic.alerts.subscriptions``) and account devices (``civic.notifications.devices``).

An endpoint is a URL of RFC 3986 characters only, at most 1024 of them, whose origin is on
``PUSH_SERVICE_ALLOWLIST`` (https, ``*.`` wildcards allowed; plain http only for an origin listed
explicitly with ``http://``, as the loopback test service is). ``keys.p256dh`` is an uncompressed
P-256 point, ``keys.auth`` a 16-byte secret, both base64url.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app

from civic.errors import N_
from civic.webpush.crypto import b64url_decode

MAX_ENDPOINT_CHARS = 1024
# RFC 3986 characters (unreserved, reserved and "%"), without "#": a push endpoint has no
# fragment. Anything else (spaces, CR/LF, non-ASCII such as ".../send/한국") would have to be
# percent-encoded; sent as it is, it breaks or smuggles into the request line.
_URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]+\Z")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def endpoint_allowed(endpoint: str, allowlist: list[str] | None = None) -> bool:
    """https push-service origins from ``PUSH_SERVICE_ALLOWLIST`` (``*.`` wildcards allowed);
    plain http only for an origin listed explicitly with ``http://`` (loopback tests)."""
    try:
        parts = urlsplit(endpoint)
        host, port = parts.hostname, parts.port
    except ValueError:
        return False
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        return False
    allowlist = allowlist if allowlist is not None else current_app.config["PUSH_SERVICE_ALLOWLIST"]
    for entry in allowlist:
        allowed = urlsplit(entry)
        if allowed.scheme != parts.scheme or allowed.port != port:
            continue
        pattern = allowed.hostname or ""
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and host != pattern[2:]:
                return True
        elif host == pattern:
            return True
    return False


def endpoint_error(endpoint: str) -> str | None:
    """Why a push endpoint is refused, or None."""
    if not endpoint or len(endpoint) > MAX_ENDPOINT_CHARS:
        return N_("An endpoint URL is required (at most 1024 characters).")
    if not _URI_CHARACTERS.match(endpoint) or _BAD_PERCENT.search(endpoint):
        return N_("The endpoint may contain only URL characters (RFC 3986): no spaces, no \"#\", "
                  "and other characters percent-encoded.")
    if not endpoint_allowed(endpoint):
        return N_("The endpoint must be an https URL of a known push service.")
    return None


def clean_endpoint(value, errors: dict[str, str], field: str = "endpoint") -> str:
    """The endpoint of a ``PushSubscription.toJSON()``, stripped; its error goes to ``errors[field]``."""
    endpoint = value.strip() if isinstance(value, str) else ""
    error = endpoint_error(endpoint)
    if error:
        errors[field] = error
    return endpoint


def _decoded(value, length: int) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        raw = b64url_decode(value)
    except (ValueError, TypeError):
        return None
    return raw if len(raw) == length else None


def clean_keys(value, errors: dict[str, str]) -> dict[str, str]:
    """``p256dh`` and ``auth`` of a ``PushSubscription.toJSON()``, stripped; their errors go to
    ``errors["keys.p256dh"]`` and ``errors["keys.auth"]``."""
    keys = value if isinstance(value, dict) else {}
    p256dh = _decoded(keys.get("p256dh"), 65)
    if p256dh is None:
        errors["keys.p256dh"] = N_("Must be a base64url P-256 public key (65 bytes).")
    else:
        try:  # the first byte 4 (uncompressed) and on the curve
            if p256dh[0] != 4:
                raise ValueError("compressed")
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
        except ValueError:
            errors["keys.p256dh"] = N_("Not a valid P-256 point.")
    if _decoded(keys.get("auth"), 16) is None:
        errors["keys.auth"] = N_("Must be a base64url 16-byte secret.")
    return {name: keys[name].strip() if isinstance(keys.get(name), str) else "" for name in ("p256dh", "auth")}
