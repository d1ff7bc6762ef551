"""Push subscriptions: no account needed; validated endpoint, keys, districts and location."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from sqlalchemy import delete, select

from civic.alerts.models import ALERT_TYPES, PushSubscription, SubscriptionDistrict
from civic.db import unit_of_work, utcnow
from civic.errors import N_, NotFound, ValidationFailed
from civic.extensions import db
from civic.geo import district_at, validate_district_codes, validate_point
from civic.webpush.crypto import b64url_decode
from civic.webpush.direct import send_direct
from civic.webpush.sender import PushMessage

LANGS = ("ko", "en")
LOCATION_DECIMALS = 3
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
    """Why a push endpoint is refused, or None: the one check for alert subscriptions and
    account devices (``civic.notifications.devices``). A URL of RFC 3986 characters only, at
    most 1024 of them, whose origin is on ``PUSH_SERVICE_ALLOWLIST``."""
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


def _decoded(value, length: int | None):
    try:
        raw = b64url_decode(str(value))
    except (ValueError, TypeError):
        return None
    return raw if length is None or len(raw) == length else None


def validate_subscription(data: dict) -> dict:
    """Clean a ``PushSubscription.toJSON()`` plus preferences, or raise ValidationFailed."""
    errors: dict[str, str] = {}
    endpoint = clean_endpoint(data.get("endpoint"), errors)
    keys = data.get("keys") or {}
    p256dh = _decoded(keys.get("p256dh", ""), 65) if isinstance(keys, dict) else None
    if p256dh is None:
        errors["keys.p256dh"] = N_("Must be a base64url P-256 public key (65 bytes).")
    else:
        try:  # the first byte 4 (uncompressed) and on the curve
            if p256dh[0] != 4:
                raise ValueError("compressed")
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
        except ValueError:
            errors["keys.p256dh"] = N_("Not a valid P-256 point.")
    if not isinstance(keys, dict) or _decoded(keys.get("auth", ""), 16) is None:
        errors["keys.auth"] = N_("Must be a base64url 16-byte secret.")
    types = data.get("types") or []
    if not isinstance(types, list) or any(t not in ALERT_TYPES for t in types):
        errors["types"] = N_("Choose among: %(values)s.", values=", ".join(ALERT_TYPES))
    lang = data.get("lang") or "ko"
    if lang not in LANGS:
        errors["lang"] = N_("Must be ko or en.")
    districts = data.get("districts") or []
    if not isinstance(districts, list):
        errors["districts"] = N_("Must be a list of district codes.")
    else:
        try:
            districts = validate_district_codes(districts)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    lat = lon = location_district = None
    if data.get("lat") is not None or data.get("lon") is not None:
        try:
            lat, lon = validate_point(data.get("lat"), data.get("lon"))
            # ~100 m is enough to target alerts; a citizen's exact position is not kept.
            lat, lon = round(lat, LOCATION_DECIMALS), round(lon, LOCATION_DECIMALS)
            found = district_at(lat, lon)
            if found is None:
                errors["lat"] = N_("The location is outside the city.")
            else:
                location_district = found.code
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if not errors and not districts and location_district is None:
        errors["districts"] = N_("Choose at least one district or share your location.")
    if errors:
        raise ValidationFailed(errors)
    return {"endpoint": endpoint, "p256dh": keys["p256dh"].strip(), "auth": keys["auth"].strip(),
            "types": " ".join(t for t in ALERT_TYPES if t in types), "lang": lang, "lat": lat, "lon": lon,
            "districts": sorted(set(districts)), "location_district": location_district}


def subscribe(data: dict, user=None) -> tuple[PushSubscription, bool]:
    """Create or update the subscription of an endpoint; returns (subscription, created)."""
    clean = validate_subscription(data)
    with unit_of_work():
        sub = get_subscription(clean["endpoint"])
        created = sub is None
        if sub is None:
            sub = PushSubscription(endpoint=clean["endpoint"])
            db.session.add(sub)
        for name in ("p256dh", "auth", "types", "lang", "lat", "lon"):
            setattr(sub, name, clean[name])
        if user is not None:
            sub.user_id = user.id
        sub.updated_at = utcnow()
        rows = {code: SubscriptionDistrict(code=code, via_location=False) for code in clean["districts"]}
        if clean["location_district"] and clean["location_district"] not in rows:
            rows[clean["location_district"]] = SubscriptionDistrict(code=clean["location_district"], via_location=True)
        existing = {d.code: d for d in sub.districts}
        sub.districts = [existing.get(code) or row for code, row in rows.items()]
        for code, row in rows.items():
            if code in existing:
                existing[code].via_location = row.via_location
        db.session.flush()
    return sub, created


def get_subscription(endpoint: str) -> PushSubscription | None:
    return db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == str(endpoint)))


def unsubscribe(endpoint: str) -> None:
    with unit_of_work():
        sub = get_subscription(endpoint)
        if sub is None:
            raise NotFound(N_("No subscription for this endpoint."))
        db.session.delete(sub)


def send_test_notification(endpoint: str, lang: str = "ko") -> str:
    """Push a test message to one subscription now; returns the outcome."""
    sub = get_subscription(endpoint)
    if sub is None:
        raise NotFound(N_("No subscription for this endpoint."))
    texts = {"ko": ("시험 알림", "재난 알림이 이 기기에 이렇게 표시됩니다."),
             "en": ("Test notification", "Safety alerts will appear on this device like this.")}
    title, body = texts.get(sub.lang or lang, texts["ko"])
    payload = json.dumps({"title": title, "body": body, "url": "/alerts", "tag": "civic-test"},
                         ensure_ascii=False).encode()
    results = send_direct([PushMessage(sub.id, sub.endpoint, sub.p256dh, sub.auth, payload, 600, "normal",
                                       "civic-test")])
    outcome = results[0].outcome if results else "failed"
    if outcome == "gone":  # the push service forgot it: so do we
        with unit_of_work():
            db.session.execute(delete(PushSubscription).where(PushSubscription.id == sub.id))
    return outcome


def forget_user(user) -> None:
    """Account deletion hook: the user's push subscriptions (endpoint, keys, location) go."""
    from sqlalchemy import update

    from civic.alerts.models import Delivery, PushSubscription, SubscriptionDistrict
    from civic.extensions import db

    ids = select(PushSubscription.id).where(PushSubscription.user_id == user.id).scalar_subquery()
    db.session.execute(update(Delivery).where(Delivery.subscription_id.in_(ids)).values(subscription_id=None))
    db.session.execute(delete(SubscriptionDistrict).where(SubscriptionDistrict.subscription_id.in_(ids)))
    db.session.execute(delete(PushSubscription).where(PushSubscription.user_id == user.id))
