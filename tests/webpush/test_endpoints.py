"""The one endpoint check for alert subscriptions and account devices: RFC 3986 characters only,
at most 1024 of them, an origin on PUSH_SERVICE_ALLOWLIST."""

import pytest

from civic.webpush.endpoints import endpoint_allowed, endpoint_error

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


def test_endpoint_allowlist():
    allow = ["https://fcm.googleapis.com", "https://*.notify.windows.com", "http://127.0.0.1:8080"]
    assert endpoint_allowed("https://fcm.googleapis.com/fcm/send/abc", allow)
    assert endpoint_allowed("https://wns2-par02p.notify.windows.com/w/?token=x", allow)
    assert endpoint_allowed("http://127.0.0.1:8080/push/x", allow)
    assert not endpoint_allowed("http://fcm.googleapis.com/fcm/send/abc", allow)  # not https
    assert not endpoint_allowed("https://fcm.googleapis.com.evil.example/x", allow)
    assert not endpoint_allowed("https://notify.windows.com/x", allow)
    assert not endpoint_allowed("http://127.0.0.1:9999/push/x", allow)  # other port
    assert not endpoint_allowed("https://user:pw@fcm.googleapis.com/x", allow)
    assert not endpoint_allowed("javascript:alert(1)", allow)
