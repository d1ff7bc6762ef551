"""The subscribe page and the service worker in headless Chromium.

Headless Chromium cannot register with a real push service (that needs the vendor's servers),
so ``PushManager.subscribe`` hands the page a subscription on the loopback push service instead;
everything else is real: the page script, the API with CSRF, the database, the fan-out, and a
push service that decrypts what it receives.
"""

import json

import pytest
from playwright.sync_api import expect

from civic.alerts import service
from civic.extensions import db
from tests.e2e.conftest import wait_until

pytestmark = pytest.mark.e2e

FAKE_PUSH_MANAGER = """
(() => {
  const fake = %s;
  let current = null;
  PushManager.prototype.subscribe = function (options) {
    window.__applicationServerKeyLength = new Uint8Array(options.applicationServerKey).length;
    current = { endpoint: fake.endpoint, options, toJSON: () => fake,
                unsubscribe: () => { current = null; return Promise.resolve(true); } };
    return Promise.resolve(current);
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
})();
"""


def officer_sends(live_app, **data):
    from tests.factories import make_user

    with live_app.app_context():
        officer = make_user("alert_officer")
        alert = service.create_draft(officer, {"type": "heavy_rain", "level": "urgent", "districts": ["11680"],
                                               "headline_ko": "호우 경보", "body_ko": "하천변 접근 금지", **data})
        alert_id = service.send(officer, alert).id
        db.session.remove()
    return alert_id


def test_subscribe_test_and_unsubscribe_on_a_phone(live_server, live_app, phone, push_service):
    device = push_service.new_device()
    phone.context.grant_permissions(["notifications"], origin=live_server)
    phone.add_init_script(FAKE_PUSH_MANAGER % json.dumps(push_service.subscription(device)))
    phone.goto(live_server + "/alerts")
    status = phone.locator("#push-status")
    expect(status).to_contain_text("꺼져")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.locator("#choose-districts summary").click()
    phone.get_by_label("강남구").check()
    phone.get_by_label("호우").check()
    phone.get_by_role("button", name="알림 켜기").click()
    expect(status).to_contain_text("저장했습니다")
    assert phone.evaluate("window.__applicationServerKeyLength") == 65
    with live_app.app_context():
        sub = service.get_subscription(push_service.endpoint(device))
        assert sub.chosen_districts == ["11680"] and sub.type_list == ["heavy_rain"] and sub.lang == "ko"
        db.session.remove()

    phone.get_by_role("button", name="시험 알림 보내기").click()
    expect(status).to_contain_text("시험 알림을 보냈습니다")
    assert device.received[0]["title"] == "시험 알림"

    alert_id = officer_sends(live_app)
    assert device.received[-1]["title"] == "호우 경보" and device.received[-1]["url"] == f"/alerts/{alert_id}"

    phone.get_by_role("button", name="알림 끄기").click()
    expect(status).to_contain_text("껐습니다")
    assert "껐습니다" in status.inner_text()
    with live_app.app_context():
        assert service.get_subscription(push_service.endpoint(device)) is None
        db.session.remove()


def test_service_worker_shows_the_push_and_opens_the_alert_on_click(live_server, live_app, phone):
    alert_id = officer_sends(live_app)
    phone.context.grant_permissions(["notifications"], origin=live_server)
    phone.goto(live_server + "/alerts")
    wait_until(phone, "navigator.serviceWorker.controller !== null", timeout_s=15)
    worker = phone.context.service_workers[0]
    payload = {"title": "호우 경보", "body": "하천변 접근 금지", "url": f"/alerts/{alert_id}",
               "tag": f"civic-alert-{alert_id}", "level": "emergency"}
    shown = worker.evaluate("""async (payload) => {
        const waited = [];
        const event = new PushEvent("push", { data: JSON.stringify(payload) });
        event.waitUntil = (p) => waited.push(p);
        self.dispatchEvent(event);
        await Promise.all(waited);
        const [n] = await self.registration.getNotifications({ tag: payload.tag });
        return { title: n.title, body: n.body, tag: n.tag, url: n.data.url,
                 requireInteraction: n.requireInteraction, vibrate: Array.from(n.vibrate || []) };
    }""", payload)
    assert shown["title"] == "호우 경보" and shown["url"] == f"/alerts/{alert_id}"
    assert shown["tag"] == f"civic-alert-{alert_id}" and shown["requireInteraction"] is True

    worker.evaluate("""async (tag) => {
        const [n] = await self.registration.getNotifications({ tag });
        const waited = [];
        const event = new NotificationEvent("notificationclick", { notification: n });
        event.waitUntil = (p) => waited.push(p);
        self.dispatchEvent(event);
        await Promise.allSettled(waited);
    }""", payload["tag"])
    phone.wait_for_url(f"**/alerts/{alert_id}", timeout=15000)
    assert phone.locator("h1").inner_text() == "호우 경보"
