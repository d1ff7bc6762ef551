"""Message encryption (pywebpush) and VAPID (py-vapid) as the sender uses them, checked by the
independent implementations of the loopback push service (http_ece decrypts, cryptography verifies)."""

import base64
import os
import time

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from civic import create_app
from civic.webpush.crypto import (
    MAX_PLAINTEXT,
    VAPID_LIFETIME_S,
    VapidSigner,
    encrypt,
    generate_private_key_b64,
    public_key_b64,
    vapid_from_text,
)
from tests.conftest import make_config
from tests.webpush.pushservice import b64u, verify_vapid


def device():
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return key, os.urandom(16), b64u(public)


def test_each_body_is_a_fresh_aes128gcm_record_the_user_agent_decrypts():
    key, auth, p256dh = device()
    payload = '{"title": "호우 경보"}'.encode()
    first, second = encrypt(payload, p256dh, b64u(auth)), encrypt(payload, p256dh, b64u(auth))
    assert first != second and first[:16] != second[:16]  # new salt and sender key every time
    assert len(first) == 86 + len(payload) + 1 + 16  # header, one record, delimiter, tag
    assert http_ece.decrypt(first, private_key=key, auth_secret=auth, version="aes128gcm") == payload


def test_the_largest_payload_fills_one_4096_byte_body():
    key, auth, p256dh = device()
    body = encrypt(b"x" * MAX_PLAINTEXT, p256dh, b64u(auth))
    assert len(body) == 4096
    assert http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm") == b"x" * MAX_PLAINTEXT
    with pytest.raises(ValueError):
        encrypt(b"x" * (MAX_PLAINTEXT + 1), p256dh, b64u(auth))
    with pytest.raises(ValueError):
        encrypt(b"", p256dh, b64u(auth))


@pytest.mark.parametrize("p256dh, auth", [
    (b64u(b"\x04" + b"\x01" * 64), b64u(os.urandom(16))),  # not on the curve
    (b64u(os.urandom(33)), b64u(os.urandom(16))),  # compressed / wrong length
    (None, b64u(os.urandom(8))),  # short auth secret
    (None, "not base64 ✗"),
], ids=["not-on-the-curve", "wrong-length", "short-auth-secret", "not-base64"])
def test_bad_subscription_keys_are_value_errors(p256dh, auth):
    with pytest.raises(ValueError):
        encrypt(b"{}", p256dh or device()[2], auth)


def test_one_vapid_token_per_origin_until_an_hour_before_expiry():
    signer = VapidSigner(vapid_from_text(generate_private_key_b64()), "mailto:alerts@example.org")
    now = time.time()
    first = signer.header_for("https://fcm.googleapis.com/fcm/send/abc", now)
    assert signer.header_for("https://fcm.googleapis.com/fcm/send/def", now + 60) == first
    other = signer.header_for("https://web.push.apple.com/QGx", now)
    assert other != first
    claims = verify_vapid(first, "https://fcm.googleapis.com", signer.public_key_b64)
    assert claims["sub"] == "mailto:alerts@example.org" and claims["exp"] == int(now) + VAPID_LIFETIME_S
    assert verify_vapid(other, "https://web.push.apple.com", signer.public_key_b64)
    assert signer.header_for("https://fcm.googleapis.com/x", now + VAPID_LIFETIME_S - 3700) == first
    assert signer.header_for("https://fcm.googleapis.com/x", now + VAPID_LIFETIME_S - 3500) != first


def test_private_key_formats_raw_der_and_pem():
    raw = generate_private_key_b64()
    vapid = vapid_from_text(raw)
    key = vapid.private_key
    der = base64.urlsafe_b64encode(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())).decode().rstrip("=")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption()).decode()
    public = public_key_b64(vapid)
    assert len(public) == 87
    assert {public_key_b64(vapid_from_text(text)) for text in (raw, f"  {raw}\n", der, pem)} == {public}
    rsa_pem = rsa.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    for bad in ("not a key", b64u(os.urandom(20)), rsa_pem):
        with pytest.raises(ValueError):
            vapid_from_text(bad)


def test_a_bad_vapid_setting_stops_the_start_up(tmp_path):
    with pytest.raises(RuntimeError, match="VAPID_SUBJECT"):
        create_app(make_config(tmp_path, VAPID_SUBJECT="safety team"))
    with pytest.raises(RuntimeError, match="VAPID_PRIVATE_KEY"):
        create_app(make_config(tmp_path, VAPID_PRIVATE_KEY="not a key"))
