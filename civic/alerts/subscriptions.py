"""Push subscriptions: no account needed; validated endpoint, keys, districts and location."""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from civic.alerts.models import ALERT_TYPES, PushSubscription, SubscriptionDistrict
from civic.db import unit_of_work, utcnow
from civic.errors import N_, NotFound, ValidationFailed
from civic.extensions import db
from civic.geo import district_at, validate_district_codes, validate_point
from civic.webpush.direct import send_direct
from civic.webpush.sender import PushMessage
from civic.webpush.subscription import clean_endpoint, clean_keys

LANGS = ("ko", "en")
LOCATION_DECIMALS = 3


def validate_subscription(data: dict) -> dict:
    """Clean a ``PushSubscription.toJSON()`` plus preferences, or raise ValidationFailed."""
    errors: dict[str, str] = {}
    endpoint = clean_endpoint(data.get("endpoint"), errors)
    keys = clean_keys(data.get("keys"), errors)
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
    return {"endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"],
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
