"""Web Push fan-out: civic's batched sender against the naive ``pywebpush.webpush()`` loop.

A loopback push service runs in its own process (aiohttp); it answers 201, and on a sample of
messages it decrypts the body (RFC 8291, with http_ece) and verifies the VAPID token (RFC 8292),
so both senders are checked to produce messages a browser would accept. Both encrypt with
pywebpush (``WebPusher.encode``) and sign with py-vapid. Figures: messages/s of each, their ratio,
the sender's CPU milliseconds per message, the encryption alone, and the HTTP transport alone
(civic's keep-alive client against an aiohttp session, the client pywebpush itself would use,
on the same pre-encrypted bodies). Run:

    PYTHONPATH=. .venv/bin/python bench/push_fanout.py [N]
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

from bench._common import device_keys, push_service, stats

N_SUBSCRIPTIONS = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
N_NAIVE = min(1000, N_SUBSCRIPTIONS)  # the naive loop is slow; its rate is what matters
N_TRANSPORT = min(3000, N_SUBSCRIPTIONS)
CONCURRENCY = 64
SAMPLE_EVERY = 100


def make_devices(n: int) -> tuple[list[dict], list[tuple[str, str]]]:
    """``n`` devices (endpoint token, p256dh, auth) and the private keys the push service decrypts with."""
    private, public = device_keys(n)
    return [{"token": f"{i}-{i}", "p256dh": p256dh, "auth": auth} for i, (p256dh, auth) in enumerate(public)], private


PAYLOAD = json.dumps({"title": "호우 경보", "body": "저지대 침수 우려. 하천변 접근 금지.", "url": "/alerts/1"},
                     ensure_ascii=False).encode()


def encryption_floor(devices: list[dict]) -> float:
    """CPU ms per message of the encryption alone, as the sender calls it (pywebpush's
    ``WebPusher.encode``, http_ece underneath): what no sender can avoid."""
    from civic.webpush.crypto import encrypt

    cpu = time.process_time()
    for device in devices:
        encrypt(PAYLOAD, device["p256dh"], device["auth"])
    return 1000 * (time.process_time() - cpu) / len(devices)


def transport_alone(origin: str, devices: list[dict]) -> dict[str, tuple[float, float]]:
    """Wall seconds and CPU seconds of posting the same pre-encrypted bodies with civic's
    keep-alive client and with an aiohttp session, ``CONCURRENCY`` connections each."""
    import aiohttp

    from civic.webpush.crypto import VapidSigner, encrypt, generate_private_key_b64, vapid_from_text
    from civic.webpush.http1 import Connection, Origin

    signer = VapidSigner(vapid_from_text(generate_private_key_b64()), "mailto:bench@example.org")
    authorization = signer.header_for(origin)
    headers = {"TTL": "3600", "Urgency": "high", "Content-Encoding": "aes128gcm",
               "Content-Type": "application/octet-stream", "Authorization": authorization}
    block = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    items = [(f"/push/{d['token']}", encrypt(PAYLOAD, d["p256dh"], d["auth"])) for d in devices]

    async def run(post_factory):
        queue: asyncio.Queue = asyncio.Queue()
        for item in items:
            queue.put_nowait(item)
        statuses = []

        async def worker(post):
            while not queue.empty():
                path, body = queue.get_nowait()
                statuses.append(await post(path, body))

        posts, close = await post_factory()
        await asyncio.gather(*(worker(post) for post in posts))
        await close()
        if statuses.count(201) != len(items):
            raise RuntimeError(f"transport: {len(items) - statuses.count(201)} not accepted")

    async def civic_client():
        connections = [Connection(Origin.of(origin), None) for _ in range(CONCURRENCY)]

        def poster(connection):
            async def post(path, body):
                return (await connection.post(path, block, body)).status
            return post

        async def close():
            for connection in connections:
                connection.close()
        return [poster(c) for c in connections], close

    async def aiohttp_client():
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY))

        async def post(path, body):
            async with session.post(origin + path, data=body, headers=headers) as response:
                await response.read()
                return response.status

        async def close():
            await session.close()
        return [post] * CONCURRENCY, close

    figures = {}
    for name, factory in (("civic http1", civic_client), ("aiohttp", aiohttp_client)):
        wall, cpu = time.perf_counter(), time.process_time()
        asyncio.run(run(factory))
        figures[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    return figures


def naive_loop(origin: str, devices: list[dict], vapid_private_key: str) -> tuple[float, float]:
    from pywebpush import webpush

    payload = PAYLOAD.decode()
    wall, cpu = time.perf_counter(), time.process_time()
    for device in devices:
        webpush({"endpoint": f"{origin}/push/{device['token']}",
                 "keys": {"p256dh": device["p256dh"], "auth": device["auth"]}},
                data=payload, vapid_private_key=vapid_private_key,
                vapid_claims={"sub": "mailto:bench@example.org"}, ttl=3600, timeout=10)
    return time.perf_counter() - wall, time.process_time() - cpu


def civic_fanout(origin: str, devices: list[dict], tmp: Path):
    from sqlalchemy import insert

    from civic import create_app
    from civic.accounts.service import create_user
    from civic.alerts import fanout, service
    from civic.alerts.models import PushSubscription, SubscriptionDistrict
    from civic.extensions import db

    app = create_app({
        "TESTING": False, "SECRET_KEY": "bench", "INSTANCE_PATH": str(tmp / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}", "REDIS_URL": None, "JOBS_INLINE": True,
        "RATELIMIT_ENABLED": False, "PUSH_SERVICE_ALLOWLIST": origin, "PUSH_BATCH_SIZE": "1000",
        "PUSH_CONCURRENCY": "64",
    })
    with app.app_context():
        db.create_all()
        from civic.accounts.seed import seed

        seed()
        officer = create_user("officer@example.org", "correct horse battery", "alert_officer")
        rows = [{"endpoint": f"{origin}/push/{d['token']}", "p256dh": d["p256dh"], "auth": d["auth"],
                 "types": "", "lang": "ko"} for d in devices]
        db.session.execute(insert(PushSubscription), rows)
        ids = [row.id for row in db.session.query(PushSubscription.id)]
        db.session.execute(insert(SubscriptionDistrict), [{"subscription_id": i, "code": "11680",
                                                           "via_location": False} for i in ids])
        db.session.commit()
        alert = service.create_draft(officer, {
            "type": "heavy_rain", "level": "urgent", "districts": ["11680"], "headline_ko": "호우 경보",
            "body_ko": "저지대 침수 우려. 하천변 접근 금지.", "expires_in_min": 60})
        wall, cpu = time.perf_counter(), time.process_time()
        service.send(officer, alert)  # plans and sends every batch in this one process
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        counts = fanout.progress(alert)
        db.engine.dispose()
    return wall, cpu, counts


def main():
    from civic.webpush.crypto import generate_private_key_b64

    devices, keys = make_devices(N_SUBSCRIPTIONS)
    with push_service(keys, sample_every=SAMPLE_EVERY) as (origin,):
        # The common environment format: the raw 32-byte private scalar, base64url.
        naive_wall, naive_cpu = naive_loop(origin, devices[:N_NAIVE], generate_private_key_b64())
        naive_stats = stats(origin)
        with tempfile.TemporaryDirectory() as tmp:
            civic_wall, civic_cpu, counts = civic_fanout(origin, devices, Path(tmp))
        civic_stats = stats(origin)
        floor = encryption_floor(devices)
        transport = transport_alone(origin, devices[:N_TRANSPORT])
        transport_stats = stats(origin)

    naive_rate = N_NAIVE / naive_wall
    civic_rate = counts["sent"] / civic_wall
    print(f"loopback push service: decrypts and checks VAPID on 1 in {SAMPLE_EVERY} messages")
    print(f"naive pywebpush loop : {N_NAIVE:6d} messages in {naive_wall:6.2f} s = {naive_rate:8.0f} msg/s, "
          f"sender CPU {1000 * naive_cpu / N_NAIVE:.3f} ms/msg "
          f"(verified {naive_stats['verified']}, errors {len(naive_stats['errors'])})")
    print(f"civic fan-out        : {counts['sent']:6d} messages in {civic_wall:6.2f} s = {civic_rate:8.0f} msg/s, "
          f"sender CPU {1000 * civic_cpu / max(counts['sent'], 1):.3f} ms/msg "
          f"(verified {civic_stats['verified']}, errors {len(civic_stats['errors'])}, failed {counts['failed']})")
    print(f"encryption floor     : {floor:.3f} ms/msg CPU (pywebpush WebPusher.encode alone, same run)")
    for name, (wall, cpu) in transport.items():
        print(f"transport alone      : {name:11s} {N_TRANSPORT / wall:8.0f} msg/s, "
              f"{1000 * cpu / N_TRANSPORT:.3f} ms/msg CPU (same pre-encrypted bodies, {CONCURRENCY} connections)")
    print(f"ratio civic / naive  : {civic_rate / naive_rate:.1f}x  (target >= 4x; CPU target <= 0.30 ms/msg)")
    per_worker = civic_rate
    print(f"scale-out: 3,000,000 subscriptions at {per_worker:.0f} msg/s per worker process = "
          f"{3_000_000 / per_worker / 60:.1f} min with 1 worker, {3_000_000 / per_worker / 60 / 8:.1f} min with 8")
    errors = naive_stats["errors"] + civic_stats["errors"] + transport_stats["errors"]
    if errors or counts["sent"] != N_SUBSCRIPTIONS:
        print("ERRORS:", errors[:5], counts)
        sys.exit(1)


if __name__ == "__main__":
    main()
