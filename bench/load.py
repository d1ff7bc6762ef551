"""Mixed citizen load against gunicorn on PostgreSQL + Redis, at rising concurrency.

Starts its own stack on loopback (a fresh PostgreSQL database ``civic_load``, Redis db 14,
gunicorn web workers and one RQ worker), then runs closed-loop virtual users — each sends a
request, waits for the answer, sends the next — at 4, 8, 16, … users until p99 latency passes
500 ms (or the top level). Prints requests/s, p50/p99 per endpoint and errors per level.

Scenarios are picked from what is installed (the OpenAPI document says which endpoints exist).
Environment: LOAD_PG (default postgresql+psycopg://postgres@127.0.0.1:5432), LOAD_REDIS
(default redis://127.0.0.1:6379/14), LOAD_SECONDS per level (default 8), LOAD_WORKERS (gunicorn
workers, default 2 x cores + 1).
"""

from __future__ import annotations

import asyncio
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

PG = os.environ.get("LOAD_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379/14")
SECONDS = float(os.environ.get("LOAD_SECONDS", "8"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
LEVELS = [4, 8, 16, 32, 64, 128]
P99_LIMIT_MS = 500

SEOUL_POINTS = [(37.5665, 126.9780), (37.4979, 127.0276), (37.5133, 127.1028), (37.5796, 126.9770),
                (37.5559, 126.9723), (37.5443, 127.0557), (37.6543, 127.0568), (37.4837, 126.9016)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(name: str = "civic_load") -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{PG}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{PG}/{name}"


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (random.randrange(256), 120, 80)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


class Stack:
    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="civic-load-"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, DATABASE_URL=fresh_database(), REDIS_URL=REDIS,
                        INSTANCE_PATH=str(self.tmp), SECRET_KEY="load-test", FLASK_APP="app.py",
                        RATELIMIT_ENABLED="false")
        self.procs: list[subprocess.Popen] = []

    def flask(self, *args: str) -> str:
        out = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=self.env, check=True,
                             capture_output=True, text=True)
        return out.stdout

    def start(self) -> None:
        from redis import Redis

        Redis.from_url(REDIS).flushdb()
        self.flask("db", "upgrade")
        self.flask("seed")
        self.procs.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "app:app"], cwd=ROOT, env=self.env))
        self.procs.append(subprocess.Popen(
            [str(BIN / "rq"), "worker", "--url", REDIS, "--quiet", "alerts", "default"], cwd=ROOT, env=self.env))
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(timeout=20)


class Workload:
    """Weighted scenarios; each is an async function (session, base) -> (name, status)."""

    def __init__(self, stack: Stack, paths: set[str]):
        self.stack = stack
        self.paths = paths
        self.tokens: list[str] = []
        self.scenarios: list[tuple[int, callable]] = [(3, self.home_page), (1, self.departments)]
        if "/api/v1/places/nearby" in paths:
            self.scenarios += [(6, self.nearby), (2, self.places_page)]
        if "/api/v1/polls/{poll_id}/vote" in paths or "/api/v1/polls/{id}/vote" in paths:
            self.scenarios.append((2, self.vote))
        if "/api/v1/reports" in paths:
            self.scenarios.append((1, self.report_with_photo))
        if "/api/v1/push/subscriptions" in paths:
            self.scenarios.append((1, self.subscribe))
        self.photo = jpeg_bytes()
        self.poll_id = None

    def prepare(self, users: int = 200) -> None:
        """Accounts with tokens for the writes (through the CLI, as an operator would)."""
        script = (
            "from civic import create_app\n"
            "from civic.accounts import service\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            f"    for i in range({users}):\n"
            "        u = service.create_user(f'load{i}@example.org', 'load test password')\n"
            "        print(service.issue_token(u))\n"
        )
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=self.stack.env, check=True,
                             capture_output=True, text=True).stdout
        self.tokens = out.split()

    async def home_page(self, s, base):
        async with s.get(base + "/") as r:
            await r.read()
            return "GET /", r.status

    async def departments(self, s, base):
        async with s.get(base + "/api/v1/departments") as r:
            await r.read()
            return "GET /api/v1/departments", r.status

    async def nearby(self, s, base):
        lat, lon = random.choice(SEOUL_POINTS)
        params = {"lat": lat + random.uniform(-0.01, 0.01), "lon": lon + random.uniform(-0.01, 0.01),
                  "category": random.choice(["toilet", "wifi"]), "limit": 10}
        async with s.get(base + "/api/v1/places/nearby", params=params) as r:
            await r.read()
            return "GET /api/v1/places/nearby", r.status

    async def places_page(self, s, base):
        lat, lon = random.choice(SEOUL_POINTS)
        async with s.get(base + "/places", params={"lat": lat, "lon": lon}) as r:
            await r.read()
            return "GET /places", r.status

    async def vote(self, s, base):
        token = random.choice(self.tokens)
        async with s.post(f"{base}/api/v1/polls/{self.poll_id}/vote", json={"option_id": self.option_ids[0]},
                          headers={"Authorization": f"Bearer {token}"}) as r:
            await r.read()
            # A repeat vote by the same account is a correct 409, not an error.
            return "POST /api/v1/polls/<id>/vote", 200 if r.status == 409 else r.status

    async def report_with_photo(self, s, base):
        lat, lon = random.choice(SEOUL_POINTS)
        form = aiohttp.FormData()
        form.add_field("service_code", self.service_code)
        form.add_field("lat", str(lat + random.uniform(-0.02, 0.02)))
        form.add_field("lon", str(lon + random.uniform(-0.02, 0.02)))
        form.add_field("description", "Load test: broken pavement near the crossing.")
        form.add_field("photos", self.photo, filename="p.jpg", content_type="image/jpeg")
        async with s.post(base + "/api/v1/reports", data=form,
                          headers={"Authorization": f"Bearer {random.choice(self.tokens)}"}) as r:
            await r.read()
            return "POST /api/v1/reports (photo)", r.status

    async def subscribe(self, s, base):
        from base64 import urlsafe_b64encode

        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        body = {"endpoint": f"https://fcm.googleapis.com/fcm/send/load-{random.getrandbits(64):x}",
                "keys": {"p256dh": urlsafe_b64encode(key).rstrip(b"=").decode(),
                         "auth": urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()},
                "districts": [random.choice(["11680", "11110", "11710", "11440"])]}
        async with s.post(base + "/api/v1/push/subscriptions", json=body) as r:
            await r.read()
            return "POST /api/v1/push/subscriptions", r.status

    def pick(self):
        total = sum(w for w, _ in self.scenarios)
        x = random.uniform(0, total)
        for weight, scenario in self.scenarios:
            x -= weight
            if x <= 0:
                return scenario
        return self.scenarios[-1][1]


async def run_level(workload: Workload, users: int, seconds: float = SECONDS) -> dict:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    deadline = time.perf_counter() + seconds
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        async def user():
            while time.perf_counter() < deadline:
                scenario = workload.pick()
                start = time.perf_counter()
                try:
                    name, status = await scenario(session, workload.stack.base)
                except (TimeoutError, aiohttp.ClientError):
                    name, status = scenario.__name__, 599
                latencies[name].append((time.perf_counter() - start) * 1000)
                if status >= 400:
                    errors[name] += 1

        started = time.perf_counter()
        await asyncio.gather(*(user() for _ in range(users)))
        elapsed = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed}


def pct(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    stack = Stack()
    stack.start()
    try:
        import requests

        paths = set(requests.get(stack.base + "/api/v1/openapi.json", timeout=10).json()["paths"])
        workload = Workload(stack, paths)
        workload.prepare()
        setup_optional_fixtures(workload)
        print(f"gunicorn workers: {WORKERS}; {SECONDS:.0f} s per level; scenarios: "
              + ", ".join(f"{s.__name__}×{w}" for w, s in workload.scenarios))
        # Warm-up (not reported): imports, connection pools, caches in every web worker.
        asyncio.run(run_level(workload, WORKERS * 2, seconds=3.0))
        for users in LEVELS:
            result = asyncio.run(run_level(workload, users))
            all_lat = [v for vals in result["latencies"].values() for v in vals]
            total = len(all_lat)
            p99 = pct(all_lat, 99)
            print(f"\n== {users} users: {total / result['elapsed']:.0f} req/s, p50 {pct(all_lat, 50):.0f} ms, "
                  f"p99 {p99:.0f} ms, errors {sum(result['errors'].values())}")
            for name, values in sorted(result["latencies"].items()):
                print(f"   {name:<36} n={len(values):>6}  p50 {pct(values, 50):6.1f} ms  "
                      f"p99 {pct(values, 99):7.1f} ms  errors {result['errors'].get(name, 0)}")
            if p99 > P99_LIMIT_MS:
                print(f"\np99 passed {P99_LIMIT_MS} ms at {users} users; stopping.")
                break
    finally:
        stack.stop()
    return 0


def setup_optional_fixtures(workload: Workload) -> None:
    """Data the write scenarios need (a poll to vote in, a report service code)."""
    env = workload.stack.env
    if any(s.__name__ == "vote" for _, s in workload.scenarios):
        script = (
            "from datetime import datetime, timedelta, timezone\n"
            "from civic import create_app\n"
            "from civic.accounts import service as accounts\n"
            "from civic.participation import service\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            "    staff = accounts.create_user('pollster@example.org', 'load test password', 'staff', 'CITIZEN-COMM')\n"
            "    now = datetime.now(timezone.utc)\n"
            "    poll = service.create_poll(staff, question_ko='Load test poll', options=['Yes', 'No'],\n"
            "        opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=1))\n"
            "    print(poll.id, *[o.id for o in poll.options])\n"
        )
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
        if out.returncode == 0:
            ids = [int(x) for x in out.stdout.split()]
            workload.poll_id, workload.option_ids = ids[0], ids[1:]
        else:
            print("vote scenario disabled:", out.stderr.strip().splitlines()[-1:])
            workload.scenarios = [(w, s) for w, s in workload.scenarios if s.__name__ != "vote"]
    if any(s.__name__ == "report_with_photo" for _, s in workload.scenarios):
        import requests

        services = requests.get(workload.stack.base + "/open311/v2/services.json", timeout=10)
        # A service without extra questions, so the scenario's form is complete.
        codes = [s["service_code"] for s in services.json() if not s.get("metadata")] if services.ok else []
        if codes:
            workload.service_code = codes[0]
        else:
            workload.scenarios = [(w, s) for w, s in workload.scenarios if s.__name__ != "report_with_photo"]


if __name__ == "__main__":
    sys.exit(main())
