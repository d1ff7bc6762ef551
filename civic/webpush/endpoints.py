"""Which push endpoints may be stored and contacted: the one check for alert subscriptions
(``civic.alerts.subscriptions``) and account devices (``civic.notifications.devices``).

An endpoint is a URL of RFC 3986 characters only, at most 1024 of them, whose origin is on
``PUSH_SERVICE_ALLOWLIST`` (https, ``*.`` wildcards allowed; plain http only for an origin listed
explicitly with ``http://``, as the loopback test service is).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app

from civic.errors import N_

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
