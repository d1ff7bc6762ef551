"""Web Push message encryption (RFC 8291, aes128gcm of RFC 8188) and VAPID (RFC 8292).

Written against ``cryptography`` directly: one ephemeral ECDH key and salt per message (as RFC
8291 requires), and one signed VAPID token per push-service origin, reused until it nears expiry
(pywebpush signs a new one per message).
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import struct
import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

RECORD_SIZE = 4096
# 4096-byte record minus the 16-byte tag and the 1-byte delimiter.
MAX_PLAINTEXT = RECORD_SIZE - 16 - 1 - 86
VAPID_LIFETIME_S = 12 * 3600
VAPID_RENEW_BEFORE_S = 3600


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.digest(key, data, "sha256")


def load_p256_point(raw: bytes) -> ec.EllipticCurvePublicKey:
    """An uncompressed P-256 point (65 bytes); raises ValueError when it is not on the curve."""
    if len(raw) != 65 or raw[0] != 4:
        raise ValueError("not an uncompressed P-256 point")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)


def encrypt(plaintext: bytes, ua_public: bytes, auth_secret: bytes,
            ua_key: ec.EllipticCurvePublicKey | None = None) -> bytes:
    """The aes128gcm body of one push message for the user agent's ``p256dh`` and ``auth``."""
    if len(plaintext) > MAX_PLAINTEXT:
        raise ValueError("push payload too large")
    ua_key = ua_key or load_p256_point(ua_public)
    as_private = ec.generate_private_key(ec.SECP256R1())
    as_public = as_private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    ecdh_secret = as_private.exchange(ec.ECDH(), ua_key)
    # RFC 8291 §3.3: combine the ECDH secret with the auth secret.
    prk_key = _hmac(auth_secret, ecdh_secret)
    ikm = _hmac(prk_key, b"WebPush: info\x00" + ua_public + as_public + b"\x01")
    salt = os.urandom(16)
    prk = _hmac(salt, ikm)
    cek = _hmac(prk, b"Content-Encoding: aes128gcm\x00\x01")[:16]
    nonce = _hmac(prk, b"Content-Encoding: nonce\x00\x01")[:12]
    # One record: the plaintext, then the 0x02 "last record" delimiter (no padding).
    ciphertext = AESGCM(cek).encrypt(nonce, plaintext + b"\x02", None)
    header = salt + struct.pack("!IB", RECORD_SIZE, len(as_public)) + as_public
    return header + ciphertext


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an endpoint (the VAPID audience)."""
    slash = url.find("/", url.find("://") + 3)
    if slash > 0 and "@" not in url[:slash]:
        return url[:slash]
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class VapidSigner:
    """Signs ``Authorization: vapid t=…, k=…`` headers, one token per audience, cached."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, subject: str):
        self._key = private_key
        self.subject = subject
        self.public_key_b64 = b64url_encode(private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
        self._cache: dict[str, tuple[str, int]] = {}

    def _sign(self, audience: str, expires: int) -> str:
        header = b64url_encode(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
        claims = {"aud": audience, "exp": expires, "sub": self.subject}
        payload = b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}".encode("ascii")
        r, s = decode_dss_signature(self._key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return f"{header}.{payload}.{b64url_encode(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

    def header_for(self, endpoint: str, now: float | None = None) -> str:
        """The header for an endpoint (or its origin), signing a new token only near expiry."""
        audience = origin_of(endpoint)
        now = int(now if now is not None else time.time())
        cached = self._cache.get(audience)
        if cached is None or cached[1] - now < VAPID_RENEW_BEFORE_S:
            expires = now + VAPID_LIFETIME_S
            cached = (self._sign(audience, expires), expires)
            self._cache[audience] = cached
        return f"vapid t={cached[0]}, k={self.public_key_b64}"


def generate_private_key_b64() -> str:
    """A new VAPID private key as the base64url raw 32-byte scalar (the common env format)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))


def private_key_from_b64(text: str) -> ec.EllipticCurvePrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return _ec_key(serialization.load_pem_private_key(text.encode(), password=None))
    raw = b64url_decode(text)
    if len(raw) == 32:
        return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    return _ec_key(serialization.load_der_private_key(raw, password=None))


def _ec_key(key: object) -> ec.EllipticCurvePrivateKey:
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("a VAPID private key is an elliptic-curve (P-256) key")
    return key


def public_key_b64(private_key: ec.EllipticCurvePrivateKey) -> str:
    return b64url_encode(private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
