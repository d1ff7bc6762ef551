"""A loopback Web Push service for the tests: it plays the browser's push service *and* the
user agent, so it decrypts every message it accepts (RFC 8291, with http_ece — an implementation
independent of civic's) and verifies the VAPID token (RFC 8292) on every request."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_vapid(authorization: str, expected_audience: str, expected_key: str | None = None) -> dict:
    """Check an ``Authorization: vapid t=…, k=…`` header; returns the JWT claims or raises."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError("not a vapid authorization")
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key_b64 = values["t"], values["k"]
    if expected_key and key_b64 != expected_key:
        raise ValueError("unexpected application server key")
    header_b64, claims_b64, signature_b64 = token.split(".")
    header = json.loads(unb64u(header_b64))
    if header.get("alg") != "ES256":
        raise ValueError("alg must be ES256")
    signature = unb64u(signature_b64)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64u(key_b64))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise ValueError("bad VAPID signature") from exc
    claims = json.loads(unb64u(claims_b64))
    if claims.get("aud") != expected_audience:
        raise ValueError(f"aud {claims.get('aud')!r} is not {expected_audience!r}")
    now = time.time()
    if not now < claims["exp"] <= now + 24 * 3600:
        raise ValueError("exp must be in the next 24 hours")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError("sub must be a mailto: or https: URI")
    return claims


@dataclass
class Device:
    """A browser with a push subscription: its private key decrypts what the service accepts."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    behaviour: str = "ok"  # ok | gone | flaky | slow | too_large | hang (until released, then 503)
    failures_left: int = 0
    received: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    requests: int = 0

    @property
    def p256dh(self) -> str:
        return b64u(self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


class LoopbackPushService:
    """Plain http on 127.0.0.1, or https with ``ssl_context`` (a server context, see tests/webpush/tls.py)."""

    def __init__(self, expected_key: str | None = None, slow_seconds: float = 3.0, ssl_context=None):
        self.devices: dict[str, Device] = {}
        self.errors: list[str] = []
        self.expected_key = expected_key
        self.slow_seconds = slow_seconds
        self.release = threading.Event()  # lets "hang" devices answer
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                service.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        scheme = "http"
        if ssl_context is not None:
            self.server.socket = ssl_context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.origin = f"{scheme}://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        """Forget the devices, errors and expectations of the previous test."""
        with self.lock:
            self.devices.clear()
            self.errors.clear()
            self.expected_key = None
            self.release.clear()

    def new_device(self, behaviour: str = "ok", failures: int = 0) -> Device:
        device = Device(b64u(os.urandom(12)), ec.generate_private_key(ec.SECP256R1()), os.urandom(16),
                        behaviour, failures)
        self.devices[device.token] = device
        return device

    def endpoint(self, device: Device) -> str:
        return f"{self.origin}/push/{device.token}"

    def subscription(self, device: Device, **prefs) -> dict:
        """What the browser's ``PushSubscription.toJSON()`` gives, plus preferences."""
        return {"endpoint": self.endpoint(device), "expirationTime": None,
                "keys": {"p256dh": device.p256dh, "auth": b64u(device.auth_secret)}, **prefs}

    def _reply(self, handler, status: int, headers: dict | None = None):
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def handle(self, handler) -> None:
        length = int(handler.headers.get("Content-Length", 0))
        body = handler.rfile.read(length)
        token = handler.path.rsplit("/", 1)[-1]
        device = self.devices.get(token)
        if device is None:
            return self._reply(handler, 404)
        with self.lock:
            device.requests += 1
        try:
            verify_vapid(handler.headers.get("Authorization", ""), self.origin, self.expected_key)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"vapid: {exc}")
            return self._reply(handler, 401)
        if handler.headers.get("Content-Encoding") != "aes128gcm" or "TTL" not in handler.headers:
            self.errors.append("missing Content-Encoding or TTL")
            return self._reply(handler, 400)
        if device.behaviour == "gone":
            return self._reply(handler, 410)
        if device.behaviour == "too_large":
            return self._reply(handler, 413)
        if device.behaviour == "flaky" and device.failures_left > 0:
            with self.lock:
                device.failures_left -= 1
            return self._reply(handler, 503, {"Retry-After": "1"})
        if device.behaviour == "slow":
            time.sleep(self.slow_seconds)
        if device.behaviour == "hang":
            # Never accepted: once released, the answer is a 503 the (dead) sender never reads.
            self.release.wait(30)
            return self._reply(handler, 503)
        try:
            plaintext = http_ece.decrypt(body, private_key=device.private_key, auth_secret=device.auth_secret,
                                         version="aes128gcm")
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"decrypt: {exc}")
            return self._reply(handler, 400)
        with self.lock:
            device.received.append(json.loads(plaintext))
            device.headers.append(dict(handler.headers))
        self._reply(handler, 201, {"Location": f"{self.origin}/message/{len(device.received)}"})
