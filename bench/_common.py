"""What the benchmarks share (not a benchmark itself, so ``make bench`` skips it): the loopback
Web Push service (``push_fanout.py``, ``alert_latency.py``), a loopback gunicorn serving the app,
and the reference data of every feature.

The push service runs in its own process (aiohttp) on one or more origins (ports), answers ``201`` after an
optional delay, like a real push service, and on a sample of messages decrypts the body (RFC 8291,
with http_ece) and verifies the VAPID token (RFC 8292), so a sender is checked to produce messages
a browser would accept. Endpoints are ``{origin}/push/{key}-{number}``: ``key`` indexes the device
keys given to the service, and every ``sample_every``-th ``number`` is checked. ``GET /stats``
answers what it saw.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seed_every_feature() -> None:
    """The reference data of every installed feature (``flask seed``), in an app context."""
    import importlib

    from civic import installed_features

    for name in installed_features():
        try:
            importlib.import_module(f"civic.{name}.seed").seed()
        except ModuleNotFoundError:
            pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(env: dict, app_spec: str = "app:app", workers: int = 2) -> tuple[subprocess.Popen, int]:
    """gunicorn serving ``app_spec`` on a free loopback port, once ``/healthz`` answers 200."""
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b",
                             f"127.0.0.1:{port}", "--log-level", "warning", app_spec], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def device_keys(n: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``n`` device key pairs: the private halves for the service (private scalar as text, auth)
    and the public halves for subscriptions (p256dh, auth), base64url."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from py_vapid.utils import b64urlencode

    private, public = [], []
    for _ in range(n):
        key = ec.generate_private_key(ec.SECP256R1())
        auth = b64urlencode(os.urandom(16))
        point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        private.append((str(key.private_numbers().private_value), auth))
        public.append((b64urlencode(point), auth))
    return private, public


def _serve(port_queue, keys: list[tuple[str, str]], stop_event, origins: int, delay_ms: tuple[int, int],
           sample_every: int) -> None:
    import random

    import http_ece
    from aiohttp import web
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.webpush.pushservice import unb64u, verify_vapid

    derived: dict[int, tuple] = {}
    seen = {"count": 0, "first": None, "last": None, "verified": 0, "errors": []}

    def private_key(index: int) -> tuple:
        if index not in derived:
            scalar, auth = keys[index]
            derived[index] = (ec.derive_private_key(int(scalar), ec.SECP256R1()), unb64u(auth))
        return derived[index]

    async def push(request):
        body = await request.read()
        if delay_ms[1]:
            await asyncio.sleep(random.uniform(delay_ms[0], delay_ms[1]) / 1000)
        index, number = (int(part) for part in request.match_info["token"].split("-"))
        if number % sample_every == 0:
            try:
                origin = f"http://127.0.0.1:{request.transport.get_extra_info('sockname')[1]}"
                verify_vapid(request.headers["Authorization"], origin)
                key, auth = private_key(index)
                json.loads(http_ece.decrypt(body, private_key=key, auth_secret=auth, version="aes128gcm"))
                seen["verified"] += 1
            except Exception as exc:  # noqa: BLE001 - a bad message is counted, the service goes on
                seen["errors"].append(repr(exc)[:200])
                return web.Response(status=400)
        now = time.time()
        seen["count"] += 1
        seen["first"] = seen["first"] or now
        seen["last"] = now
        return web.Response(status=201)

    async def report(request):
        result = dict(seen)
        if request.query.get("reset"):
            seen.update(count=0, first=None, last=None, verified=0, errors=[])
        return web.json_response(result)

    async def main():
        app = web.Application()
        app.router.add_post("/push/{token}", push)
        app.router.add_get("/stats", report)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        ports = []
        for _ in range(origins):
            site = web.TCPSite(runner, "127.0.0.1", 0, backlog=2048)
            await site.start()
            ports.append(site._server.sockets[0].getsockname()[1])
        port_queue.put(ports)
        while not stop_event.is_set():
            await asyncio.sleep(0.1)
        await runner.cleanup()

    asyncio.run(main())


@contextmanager
def push_service(keys: list[tuple[str, str]], *, origins: int = 1, delay_ms: tuple[int, int] = (0, 0),
                 sample_every: int = 100) -> Iterator[list[str]]:
    """Run the loopback push service for the ``with`` block; yields its origins."""
    ctx = mp.get_context("spawn")
    port_queue, stop = ctx.Queue(), ctx.Event()
    server = ctx.Process(target=_serve, args=(port_queue, keys, stop, origins, delay_ms, sample_every), daemon=True)
    server.start()
    try:
        yield [f"http://127.0.0.1:{port}" for port in port_queue.get(timeout=120)]
    finally:
        stop.set()
        server.join(10)


def stats(origin: str, reset: bool = True) -> dict:
    """What the service saw (``count``, ``first``/``last`` arrival times, ``verified``, ``errors``),
    counted again from zero afterwards unless ``reset`` is false."""
    with urllib.request.urlopen(f"{origin}/stats{'?reset=1' if reset else ''}", timeout=30) as response:
        return json.loads(response.read())
