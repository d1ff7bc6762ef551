"""Linked devices: the service rules and the ``/api/v1/me/devices`` and ``/account/devices`` faces."""

import pytest

from civic.accounts.service import delete_account
from civic.errors import NotFound, Unauthorized, ValidationFailed
from civic.notifications import devices
from civic.notifications.models import Device
from tests.conftest import login
from tests.factories import bearer, make_user
from tests.notifications.conftest import link


def test_link_validates_like_an_alert_subscription(app, push_service):
    user = make_user()
    good = push_service.subscription(push_service.new_device())
    with pytest.raises(Unauthorized):
        devices.link_device(None, good)
    with pytest.raises(ValidationFailed) as exc:
        devices.link_device(user, {"endpoint": "https://evil.example/push/1", "keys": {"p256dh": "AAAA", "auth": "x"}})
    assert set(exc.value.errors) == {"endpoint", "keys.p256dh", "keys.auth"}
    key = good["keys"]["p256dh"]
    off_curve = key[:40] + ("A" if key[40] != "A" else "B") + key[41:]
    bad_point = dict(good, keys={"p256dh": off_curve, "auth": good["keys"]["auth"]})
    with pytest.raises(ValidationFailed) as exc:
        devices.link_device(user, bad_point)
    assert set(exc.value.errors) == {"keys.p256dh"}


def test_same_endpoint_updates_and_moves_between_accounts(app, push_service):
    first, second = make_user(), make_user()
    subscription = push_service.subscription(push_service.new_device())
    device, created = devices.link_device(first, subscription)
    again, created_again = devices.link_device(first, subscription)
    assert created and not created_again and again.id == device.id
    moved, _ = devices.link_device(second, subscription)
    assert moved.id == device.id and moved.user_id == second.id
    assert devices.list_devices(first) == []


def test_only_the_owner_sees_and_removes_a_device(app, push_service):
    owner, other = make_user(), make_user()
    _, device = link(push_service, owner)
    with pytest.raises(NotFound):
        devices.remove_device(other, device.id)
    devices.remove_device(owner, device.id)
    assert devices.list_devices(owner) == []


def test_account_deletion_removes_linked_devices(app, db, push_service):
    user = make_user()
    link(push_service, user)
    delete_account(user)
    assert db.session.query(Device).count() == 0


def test_api_link_list_delete(client, app, push_service):
    user, other = make_user(), make_user()
    subscription = push_service.subscription(push_service.new_device())
    assert client.post("/api/v1/me/devices", json=subscription).status_code == 401
    assert client.get("/api/v1/me/devices").status_code == 401

    response = client.post("/api/v1/me/devices", json={**subscription, "label": "Chrome · Android"},
                           headers=bearer(user))
    assert response.status_code == 201
    body = response.get_json()
    assert body["label"] == "Chrome · Android" and body["endpoint"] == subscription["endpoint"]
    assert client.post("/api/v1/me/devices", json=subscription, headers=bearer(user)).status_code == 200

    bad = client.post("/api/v1/me/devices", json={**subscription, "endpoint": "http://10.0.0.1/x"},
                      headers=bearer(user))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "endpoint" in bad.get_json()["errors"]

    listed = client.get("/api/v1/me/devices", headers=bearer(user))
    assert listed.headers["X-Total-Count"] == "1" and [d["id"] for d in listed.get_json()] == [body["id"]]
    assert client.get("/api/v1/me/devices", headers=bearer(other)).get_json() == []

    assert client.delete(f"/api/v1/me/devices/{body['id']}", headers=bearer(other)).status_code == 404
    assert client.delete(f"/api/v1/me/devices/{body['id']}", headers=bearer(user)).status_code == 204
    assert client.get("/api/v1/me/devices", headers=bearer(user)).get_json() == []


def test_devices_page_lists_and_removes(client, app, push_service):
    user = make_user(email="phone@example.org")
    _, device = link(push_service, user, label="Samsung Internet · Android")
    assert client.get("/account/devices").status_code == 302  # sign in first
    login(client, "phone@example.org")
    page = client.get("/account/devices")
    assert page.status_code == 200 and "Samsung Internet · Android" in page.get_data(as_text=True)
    response = client.post(f"/account/devices/{device.id}/remove")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/devices")
    assert devices.list_devices(user) == []
