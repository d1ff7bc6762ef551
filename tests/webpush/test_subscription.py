"""The one check of a browser's push subscription for alert subscriptions and account devices:
the endpoint (RFC 3986 characters only, at most 1024 of them, an origin on PUSH_SERVICE_ALLOWLIST)
and the keys (an uncompressed P-256 point, a 16-byte secret)."""

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from civic.webpush.subscription import clean_keys, endpoint_allowed, endpoint_error

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


def _b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


GOOD_POINT = _b64u(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


@pytest.mark.parametrize("keys, refused", [
    ({"p256dh": GOOD_POINT, "auth": _b64u(b"a" * 16)}, set()),
    ({"p256dh": f" {GOOD_POINT} ", "auth": _b64u(b"a" * 16)}, set()),
    ({"p256dh": _b64u(b"\x04" + b"\x01" * 64), "auth": _b64u(b"a" * 16)}, {"keys.p256dh"}),  # not on the curve
    ({"p256dh": _b64u(b"\x02" + base64.urlsafe_b64decode(GOOD_POINT + "=")[1:]), "auth": _b64u(b"a" * 16)},
     {"keys.p256dh"}),  # not uncompressed
    ({"p256dh": "not base64!", "auth": _b64u(b"a" * 8)}, {"keys.p256dh", "keys.auth"}),
    ({"p256dh": 4, "auth": None}, {"keys.p256dh", "keys.auth"}),
    ("not a dict", {"keys.p256dh", "keys.auth"}),
])
def test_keys_check(keys, refused):
    errors: dict[str, str] = {}
    cleaned = clean_keys(keys, errors)
    assert set(errors) == refused
    if not refused:
        assert cleaned == {"p256dh": GOOD_POINT, "auth": _b64u(b"a" * 16)}


def test_alert_subscriptions_and_devices_refuse_a_point_off_the_curve_alike(app, push_service):
    from civic.alerts.subscriptions import validate_subscription
    from civic.errors import ValidationFailed
    from civic.notifications.devices import validate_device

    data = push_service.subscription(push_service.new_device())
    data["keys"]["p256dh"] = _b64u(b"\x04" + b"\x01" * 64)
    data["endpoint"] = "https://fcm.googleapis.com/fcm/send/abc"  # on the default allowlist
    refusals = []
    for validate in (validate_subscription, validate_device):
        with pytest.raises(ValidationFailed) as caught:
            validate({**data, "districts": ["11680"]})
        refusals.append(caught.value.errors)
    assert refusals[0] == refusals[1] == {"keys.p256dh": "Not a valid P-256 point."}
