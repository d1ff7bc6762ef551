"""One endpoint check for alert subscriptions and account devices: RFC 3986 characters only, an
origin on PUSH_SERVICE_ALLOWLIST; anything else is a 422 naming the field."""

import pytest

from civic.alerts.models import PushSubscription
from civic.alerts.subscriptions import endpoint_error
from civic.notifications.models import Device
from tests.alerts.helpers import GANGNAM
from tests.factories import bearer, make_user

REFUSED = [
    "https://fcm.googleapis.com/fcm/send/한국",  # non-Latin-1: broke the request line at send time
    "https://fcm.googleapis.com/fcm/send/caf\u00e9",  # Latin-1 but not ASCII
    "https://fcm.googleapis.com/fcm/send/a b",
    "https://fcm.googleapis.com/fcm/send/a\r\nX-Injected: 1",
    "https://fcm.googleapis.com/fcm/send/a\tb",
    "https://fcm.googleapis.com/fcm/send/a#fragment",
    "https://fcm.googleapis.com/fcm/send/%zz",  # a "%" that encodes nothing
    "https://fcm.googleapis.com/fcm/send/a\"b",
    "https://fcm.googleapis.com/fcm/send/<x>",
    "https://fcm.googleapis.com/fcm/send/" + "x" * 1024,
    "https://evil.example/push/1",
    "http://fcm.googleapis.com/fcm/send/x",
]


@pytest.mark.parametrize("endpoint", REFUSED)
def test_endpoint_check_refuses(app, endpoint):
    assert endpoint_error(endpoint) is not None


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH-_x~y.z",
    "https://fcm.googleapis.com/fcm/send/%ED%95%9C%EA%B5%AD",  # the same Korean, percent-encoded
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk?x=1&y=%2F",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2b",
])
def test_endpoint_check_accepts_real_push_endpoints(app, endpoint):
    assert endpoint_error(endpoint) is None


@pytest.mark.parametrize("endpoint", REFUSED[:5])
def test_alert_subscription_route_refuses_a_bad_endpoint(client, db, push_service, endpoint):
    data = push_service.subscription(push_service.new_device(), districts=[GANGNAM])
    data["endpoint"] = endpoint
    response = client.post("/api/v1/push/subscriptions", json=data)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["endpoint"]
    assert db.session.query(PushSubscription).count() == 0


@pytest.mark.parametrize("endpoint", REFUSED[:5])
def test_device_route_refuses_a_bad_endpoint(client, db, push_service, endpoint):
    user = make_user()
    data = push_service.subscription(push_service.new_device())
    data["endpoint"] = endpoint
    response = client.post("/api/v1/me/devices", json=data, headers=bearer(user))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["errors"]) == ["endpoint"]
    assert db.session.query(Device).count() == 0


def test_the_refusal_names_the_rule_in_korean(client, push_service):
    data = push_service.subscription(push_service.new_device(), districts=[GANGNAM])
    data["endpoint"] = "https://fcm.googleapis.com/fcm/send/한국"
    response = client.post("/api/v1/push/subscriptions", json=data, headers={"Accept-Language": "ko"})
    assert "RFC 3986" in response.get_json()["errors"]["endpoint"]
    assert "퍼센트" in response.get_json()["errors"]["endpoint"]
