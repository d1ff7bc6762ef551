"""Web Push messages on the packages the project names: pywebpush encrypts, py-vapid signs.

Each body is pywebpush's ``WebPusher.encode`` (RFC 8291 ``aes128gcm``, which http_ece computes:
a fresh ECDH key and salt per message); each VAPID token (RFC 8292) is py-vapid's ``Vapid02.sign``.
civic adds only what makes a fan-out cheap: one token per push-service origin, reused until it
nears expiry (``pywebpush.webpush()`` signs one per message), and no per-message set-up besides
the encryption itself.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from http_ece import ECEException
from py_vapid import Vapid02, VapidException
from py_vapid.utils import b64urldecode, b64urlencode, num_to_bytes
from pywebpush import NoData, WebPusher, WebPushException

RECORD_SIZE = 4096  # http_ece's default record size, which pywebpush uses
# Push services take bodies of at most 4096 bytes: the 86-byte aes128gcm header (salt, record
# size, the 65-byte sender key) and one record of plaintext, its 0x02 delimiter and a 16-byte tag.
MAX_PLAINTEXT = RECORD_SIZE - 86 - 1 - 16
VAPID_LIFETIME_S = 12 * 3600
VAPID_RENEW_BEFORE_S = 3600


def b64url_decode(text: str) -> bytes:
    """Unpadded base64url (what browsers give) to bytes; raises ValueError on bad input."""
    return b64urldecode(text.strip().encode("ascii"))


class _MessageEncoder(WebPusher):
    """pywebpush's ``WebPusher`` keyed with a subscription's decoded keys.

    Only the construction differs: ``WebPusher.__init__`` deep-copies the subscription and decodes
    its keys for a pusher that may send many times, which a fan-out (one message per subscription)
    would pay on every message for nothing. ``encode`` — the encryption — is pywebpush's own.
    """

    def __init__(self, receiver_key: bytes, auth_key: bytes) -> None:  # noqa: D107 - see the class
        self.receiver_key = receiver_key
        self.auth_key = auth_key


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """The ``aes128gcm`` body of one push message for a subscription's ``p256dh`` and ``auth``.

    Raises ValueError when the payload is empty or too large for one record, or the keys are not
    a P-256 point and a 16-byte secret."""
    if not payload or len(payload) > MAX_PLAINTEXT:
        raise ValueError("push payload empty or too large")
    try:
        receiver_key, auth_key = b64url_decode(p256dh), b64url_decode(auth)
        if len(receiver_key) != 65 or receiver_key[0] != 4 or len(auth_key) != 16:
            raise ValueError("subscription keys are not a P-256 point and a 16-byte secret")
        return _MessageEncoder(receiver_key, auth_key).encode(payload, "aes128gcm")["body"]
    except (ECEException, NoData, WebPushException) as exc:
        raise ValueError(str(getattr(exc, "message", exc))) from exc


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an endpoint (the VAPID audience)."""
    slash = url.find("/", url.find("://") + 3)
    if slash > 0 and "@" not in url[:slash]:
        return url[:slash]
    if slash < 0 and "://" in url and "@" not in url and "?" not in url and "#" not in url:
        return url  # already an origin (the sender asks with one)
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class VapidSigner:
    """``Authorization: vapid t=…,k=…`` headers signed by py-vapid, one token per audience, cached."""

    def __init__(self, vapid: Vapid02, subject: str):
        self._vapid = vapid
        self.subject = subject
        self.public_key_b64 = public_key_b64(vapid)
        self._cache: dict[str, tuple[str, int]] = {}

    def check(self) -> None:
        """Sign once for a placeholder audience, so a subject py-vapid refuses stops the start-up
        instead of failing every message of the first alert."""
        self._sign("https://push.example.org", int(time.time()) + VAPID_LIFETIME_S)

    def _sign(self, audience: str, expires: int) -> str:
        try:
            return self._vapid.sign({"aud": audience, "exp": expires, "sub": self.subject})["Authorization"]
        except VapidException as exc:
            raise ValueError(f"VAPID: {exc}") from exc

    def header_for(self, endpoint: str, now: float | None = None) -> str:
        """The header for an endpoint (or its origin), signing a new token only near expiry.

        Raises ValueError when py-vapid refuses the claims (a subject that is not a ``mailto:`` or
        ``https:`` URI, an audience that is not ``scheme://host[:port]``)."""
        audience = origin_of(endpoint)
        now = int(now if now is not None else time.time())
        cached = self._cache.get(audience)
        if cached is None or cached[1] - now < VAPID_RENEW_BEFORE_S:
            expires = now + VAPID_LIFETIME_S
            cached = (self._sign(audience, expires), expires)
            self._cache[audience] = cached
        return cached[0]


def generate_private_key_b64() -> str:
    """A new VAPID private key as the base64url raw 32-byte scalar (the common env format)."""
    vapid = Vapid02()
    vapid.generate_keys()
    return b64urlencode(num_to_bytes(vapid.private_key.private_numbers().private_value, 32))


def vapid_from_text(text: str) -> Vapid02:
    """py-vapid's key from the base64url raw scalar, base64url DER, or PEM; ValueError otherwise."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            vapid = Vapid02.from_pem(text.encode("ascii"))
        else:
            vapid = Vapid02.from_string(text)
    except (ValueError, TypeError) as exc:
        raise ValueError("not a P-256 private key (base64url raw, DER or PEM)") from exc
    key = vapid.private_key
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("not a P-256 private key (base64url raw, DER or PEM)")
    return vapid


def public_key_b64(vapid: Vapid02) -> str:
    """The application server key for ``PushManager.subscribe()``: the uncompressed point, base64url."""
    return b64urlencode(vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
