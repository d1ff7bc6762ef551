"""Nearby search on 100,000 synthetic facilities spread over Seoul plus the bundled real data.

1. In process: ``nearest_places`` (banded index + exact refine) against a naive full scan
   (every row of the category, haversine, sort), on the same points.
2. Over HTTP: the app under gunicorn (2 workers); p50/p99 latency and requests/s of
   ``/api/v1/places/nearby`` against ``/healthz`` measured in the same run.

SQLite always; PostgreSQL too when ``BENCH_PG_URL`` is set (its ``places`` table is replaced).
``BENCH_ONLY=sqlite|postgresql`` runs one of the two; ``BENCH_REUSE=1`` keeps a PostgreSQL table
loaded by an earlier run (same ``BENCH_PLACES``) instead of loading it again.
    PYTHONPATH=. .venv/bin/python bench/places_nearby.py
"""

from __future__ import annotations

import http.client
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime

from bench._common import ROOT, gunicorn

SYNTHETIC = int(os.environ.get("BENCH_PLACES", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "600"))
CONCURRENCY = 4
CATEGORIES = ["toilet", "pharmacy", "hospital", "wifi", "public_office", "emergency_room"]


def random_points(rng: random.Random, n: int, index) -> list[tuple[float, float]]:
    points = []
    while len(points) < n:
        lat, lon = rng.uniform(37.43, 37.70), rng.uniform(126.77, 127.18)
        if index.district_at(lat, lon) is not None:
            points.append((lat, lon))
    return points


def load(app, rng: random.Random) -> int:
    from sqlalchemy import func, insert, select

    from civic.extensions import db
    from civic.geo import district_index
    from civic.places.models import Place, lat_band, serialise_properties
    from civic.places.opening_hours import parse_text
    from civic.places.seed import seed

    with app.app_context():
        if os.environ.get("BENCH_REUSE") and db.inspect(db.engine).has_table("places"):
            found = db.session.scalar(select(func.count()).select_from(Place).where(Place.source == "bench"))
            if found == SYNTHETIC:  # the table of an earlier run (BENCH_REUSE=1 saves the load)
                return db.session.scalar(select(func.count()).select_from(Place))
        Place.__table__.drop(db.engine, checkfirst=True)
        db.create_all()
        seed()
        hours = [None, parse_text("상시"), parse_text("09:00~18:00"), parse_text("월-금09:00~21:00 토09:00~15:00")]
        index = district_index()
        now = datetime.now(UTC)
        batch = []
        for i, (lat, lon) in enumerate(random_points(rng, SYNTHETIC, index)):
            row = {"category": rng.choice(CATEGORIES), "name": f"synthetic {i}", "address": "", "lat": lat,
                   "lon": lon, "lat_band": lat_band(lat), "district_code": index.district_at(lat, lon).code,
                   "location_precision": "exact", "phone": "", "hours": rng.choice(hours),
                   "attributes": {"wheelchair": rng.random() < .3}, "details": {}, "source": "bench",
                   "source_id": str(i), "updated_at": now}
            batch.append({**row, "properties_json": serialise_properties(row, now)})
            if len(batch) == 5000:
                db.session.execute(insert(Place), batch)
                batch = []
        if batch:
            db.session.execute(insert(Place), batch)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("ANALYZE places"))
            db.session.commit()
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        return db.session.scalar(select(func.count()).select_from(Place))


def in_process(app, points) -> tuple[float, float]:
    from sqlalchemy import select

    from civic.extensions import db
    from civic.geo import haversine_m
    from civic.places.models import Place
    from civic.places.service import nearest_places

    with app.app_context():
        start = time.perf_counter()
        fast = [[r.place.id for r in nearest_places(lat, lon, "toilet", 10, 2000)] for lat, lon in points]
        indexed = (time.perf_counter() - start) / len(points)
        naive_points = points[:20]
        start = time.perf_counter()
        slow = []
        for lat, lon in naive_points:
            rows = db.session.execute(select(Place.id, Place.lat, Place.lon).where(Place.category == "toilet")).all()
            ranked = sorted((haversine_m(lat, lon, r.lat, r.lon), r.id) for r in rows)
            slow.append([row_id for d, row_id in ranked if d <= 2000][:10])
        naive = (time.perf_counter() - start) / len(naive_points)
        assert fast[:20] == slow, "indexed and naive results differ"
        db.session.remove()
    return indexed, naive


def hammer(port: int, paths: list[str]) -> tuple[float, float, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(paths)

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            start = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            elapsed = time.perf_counter() - start
            assert response.status == 200, (path, response.status)
            with lock:
                latencies.append(elapsed)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    latencies.sort()
    return statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1], len(latencies) / wall


def run(label: str, database_url: str, instance: str) -> None:
    from civic import create_app
    from civic.geo import district_index

    config = {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench"}
    app = create_app(config)
    rng = random.Random(7)
    start = time.perf_counter()
    total = load(app, rng)
    print(f"[{label}] loaded {total:,} places in {time.perf_counter() - start:.1f} s")
    with app.app_context():
        points = random_points(rng, 300, district_index())
    indexed, naive = in_process(app, points)
    print(f"[{label}] in process, nearest 10 toilets within 2 km: indexed {indexed * 1000:.2f} ms/query, "
          f"naive full scan {naive * 1000:.1f} ms/query, {naive / indexed:.0f}x faster")

    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench",
           "RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    proc, port = gunicorn(env)
    try:
        nearby = [f"/api/v1/places/nearby?lat={lat:.6f}&lon={lon:.6f}&category=toilet&limit=10"
                  for lat, lon in (points * (REQUESTS // len(points) + 1))[:REQUESTS]]
        hammer(port, ["/healthz"] * 50 + nearby[:50])  # warm up both workers
        h50, h99, hrps = hammer(port, ["/healthz"] * REQUESTS)
        n50, n99, nrps = hammer(port, nearby)
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"[{label}] HTTP, gunicorn -w 2, {CONCURRENCY} clients, {REQUESTS} requests each:")
    print(f"[{label}]   /healthz        p50 {h50 * 1000:6.1f} ms  p99 {h99 * 1000:6.1f} ms  {hrps:7.0f} req/s")
    print(f"[{label}]   /places/nearby  p50 {n50 * 1000:6.1f} ms  p99 {n99 * 1000:6.1f} ms  {nrps:7.0f} req/s")
    print(f"[{label}]   ratio nearby/healthz: p50 {n50 / h50:.2f}x (target <= 2), "
          f"throughput {nrps / hrps:.0%} (target >= 50%)")


def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")  # "sqlite" or "postgresql": one database of the two
    with tempfile.TemporaryDirectory() as tmp:
        if only != "postgresql":
            run("sqlite", f"sqlite:///{tmp}/bench.db", tmp)
        if os.environ.get("BENCH_PG_URL") and only != "sqlite":
            run("postgresql", os.environ["BENCH_PG_URL"], tmp)


if __name__ == "__main__":
    main()
