"""Both faces that take a push endpoint (alert subscriptions, account devices) refuse what
``civic.webpush.subscription`` refuses: a 422 naming the field."""

import pytest

from civic.alerts.models import PushSubscription
from civic.notifications.models import Device
from tests.alerts.helpers import GANGNAM
from tests.factories import bearer, make_user
from tests.webpush.test_subscription import REFUSED


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
