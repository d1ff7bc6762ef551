"""An alert reaches everyone else when one subscription is broken, and ends ``sent`` with the
failure counted (the staff pages show it)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from civic.alerts import fanout, service
from civic.alerts.models import Alert, Delivery, PushSubscription, SubscriptionDistrict
from civic.db import unit_of_work
from civic.extensions import db as _db
from tests.alerts.helpers import GANGNAM, alert_data, send_alert
from tests.conftest import login
from tests.webpush.pushservice import b64u


def plant(push_service, endpoints_and_devices) -> None:
    """Subscriptions written straight into the database, past every check (as an old row, an
    import or a bug might have left them)."""
    with unit_of_work():
        rows = [{"endpoint": endpoint, "p256dh": device.p256dh, "auth": b64u(device.auth_secret), "types": "",
                 "lang": "ko"} for endpoint, device in endpoints_and_devices]
        _db.session.execute(insert(PushSubscription), rows)
        ids = _db.session.query(PushSubscription.id).filter(
            PushSubscription.endpoint.in_([r["endpoint"] for r in rows])).all()
        _db.session.execute(insert(SubscriptionDistrict), [
            {"subscription_id": sid, "code": GANGNAM, "via_location": False} for (sid,) in ids])


def test_a_bad_endpoint_in_the_database_does_not_stop_an_alert_to_1000_others(app, db, officers, push_service,
                                                                                client):
    app.config.update(PUSH_BATCH_SIZE=250, PUSH_CONCURRENCY=16)
    push_service.expected_key = app.config["VAPID_PUBLIC_KEY"]
    devices = [push_service.new_device() for _ in range(1000)]
    bad_device = push_service.new_device()
    planted = [(push_service.endpoint(d), d) for d in devices[:500]]
    planted.append((f"{push_service.origin}/push/한국", bad_device))  # the endpoint, in the middle
    planted += [(push_service.endpoint(d), d) for d in devices[500:]]
    plant(push_service, planted)

    alert = send_alert(officers[0])

    assert push_service.errors == []
    assert [len(d.received) for d in devices] == [1] * 1000  # decrypted by the loopback service
    assert all(d.received[0]["url"] == f"/alerts/{alert.id}" for d in devices)
    db.session.expire_all()
    alert = db.session.get(Alert, alert.id)
    assert alert.status == "sent" and alert.audience == 1001
    progress = fanout.progress(alert)
    assert (progress["sent"], progress["failed"], progress["pending"], progress["sending"]) == (1000, 1, 0, 0)
    failed = db.session.query(Delivery).filter_by(alert_id=alert.id, state="failed").one()
    assert "RFC 3986" in failed.error

    login(client, "officer1@example.org")
    page = client.get(f"/staff/alerts/{alert.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 failed" in page
    listing = client.get("/staff/alerts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1000 of 1001 delivered" in listing and "1 failed" in listing


# No NUL: PostgreSQL cannot store it in a text column, so such an endpoint can never be planted
# (the API refuses it before that).
bad_suffixes = st.one_of(st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=8),
                         st.sampled_from(["/한국", " x", "\r\nX: 1", "%zz"]))


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(suffixes=st.lists(bad_suffixes, min_size=1, max_size=3), good=st.integers(1, 6))
def test_any_planted_endpoints_the_alert_still_finishes(app, officers, push_service, suffixes, good):
    """Property at the alert level: drawn endpoints planted next to good ones; every delivery is
    decided, the good ones are delivered and the alert ends ``sent``."""
    devices = [push_service.new_device() for _ in range(good)]
    planted = [(push_service.endpoint(d), d) for d in devices]
    planted += [(f"{push_service.origin}/push/{os.urandom(4).hex()}{suffix}", push_service.new_device())
                for suffix in dict.fromkeys(suffixes)]
    plant(push_service, planted)
    alert = service.create_draft(officers[0], alert_data())
    alert = service.send(officers[0], alert)
    _db.session.expire_all()
    alert = _db.session.get(Alert, alert.id)
    progress = fanout.progress(alert)
    assert alert.status == "sent"
    assert progress["pending"] == progress["sending"] == 0 and progress["total"] == len(planted)
    assert [len(d.received) for d in devices] == [1] * good
    with unit_of_work():  # the next example starts from no subscriptions
        _db.session.query(Delivery).delete()
        _db.session.query(SubscriptionDistrict).delete()
        _db.session.query(PushSubscription).delete()
