"""The open statistics at city scale: 200,000 petitions and 200,000 reports over a year.

1. Bulk-load the rows (INSERT … VALUES in chunks, around the ORM, as an import would), then
   ``flask stats rebuild`` counts them into the aggregates once (timed; target <= 60 s).
2. In process, cache off, per window (30 / 90 / 365 days): the dashboard from the window rollups
   (what the site does; target <= 200 ms) against two baselines measured in the same run on the
   same data: the same dashboard summing the day counters (the way before the rollups), and a
   naive GROUP BY over the petitions and reports tables. Both ways must give the same figures.
3. Over HTTP (``--http``): the app under gunicorn (2 workers); p50/p99 of ``/stats`` and
   ``/api/v1/stats/petitions`` against ``/healthz`` in the same run, with the default
   per-process cache (``STATS_CACHE_SECONDS=60``) and without it (every request recomputes).

SQLite always (unless ``--only postgresql``; ``--sqlite-file`` keeps the file); PostgreSQL too with
``--pg-url`` (its tables are dropped and made again: give it a database or schema of its own).
``--reuse`` skips loading when the database already holds the rows. ``--rows 5000`` runs the
same at a reduced size in a few seconds. The environment variables of the other benches work too
(``BENCH_PG_URL``, ``BENCH_ONLY``, ``BENCH_REUSE``, ``BENCH_PETITIONS``, ``BENCH_HTTP=1``).
    PYTHONPATH=. .venv/bin/python bench/stats.py [--rows N] [--http] [--pg-url URL] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from places_nearby import hammer  # noqa: E402  (the same HTTP harness as the places bench)

ROOT = Path(__file__).resolve().parent.parent
PETITIONS = REPORTS = 200_000
REQUESTS = 400
CHUNK = 5000
TARGET_MS = 200
TARGET_REBUILD_S = 60


def load(app, rng: random.Random) -> None:
    from sqlalchemy import insert, select

    from civic.accounts.models import Department, User
    from civic.extensions import db
    from civic.geo import all_districts
    from civic.petitions.models import Petition, PetitionType
    from civic.reports.models import Report, Service

    with app.app_context():
        db.drop_all()
        db.create_all()
        for name in ("accounts", "petitions", "reports", "participation"):
            __import__(f"civic.{name}.seed", fromlist=["seed"]).seed()
        db.session.execute(insert(User), [{"email": f"bench{i}@example.org", "password_hash": "x", "role": "citizen",
                                           "display_name": "", "is_active": True} for i in range(1000)])
        db.session.commit()
        users = list(db.session.scalars(select(User.id)))
        types = list(db.session.execute(select(PetitionType.id, PetitionType.department_id)))
        departments = list(db.session.scalars(select(Department.id)))
        services = list(db.session.execute(select(Service.id, Service.code)))
        districts = [d.code for d in all_districts()]
        now = datetime.now(UTC)
        batch = []
        for i in range(PETITIONS):
            created = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
            type_id, department_id = rng.choice(types)
            if rng.random() < .15:
                department_id = rng.choice(departments)
            due = created + timedelta(days=rng.choice((7, 9, 10, 14)))
            status, answered = "answered", created + timedelta(hours=rng.expovariate(1 / 120))
            if answered > now:
                status, answered = rng.choice(("received", "assigned", "in_progress")), None
            batch.append({"receipt_no": f"B{i:09d}", "type_id": type_id, "petitioner_id": rng.choice(users),
                          "title": "bench", "body": "bench", "status": status, "department_id": department_id,
                          "due_at": due, "answered_at": answered, "created_at": created,
                          "contact_preference": "in_app"})
            if len(batch) == CHUNK:
                db.session.execute(Petition.__table__.insert(), batch)
                batch = []
        if batch:
            db.session.execute(Petition.__table__.insert(), batch)
        batch = []
        for i in range(REPORTS):
            created = now - timedelta(seconds=rng.uniform(0, 365 * 86400))
            service_id, _code = rng.choice(services)
            status = rng.choices(("open", "acknowledged", "in_progress", "closed"), (1, 1, 1, 6))[0]
            batch.append({"service_id": service_id, "lat": 37.55, "lon": 126.99, "address": "",
                          "district_code": rng.choice(districts), "description": "", "attributes": {},
                          "status": status, "close_reason": "fixed" if status == "closed" else None,
                          "department_id": rng.choice(departments), "contact": {}, "token": f"b{i:011d}",
                          "created_at": created,
                          "updated_at": min(now, created + timedelta(days=rng.expovariate(1 / 4)))})
            if len(batch) == CHUNK:
                db.session.execute(Report.__table__.insert(), batch)
                batch = []
        if batch:
            db.session.execute(Report.__table__.insert(), batch)
        db.session.commit()
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


def _timed(fn, rounds: int = 5) -> tuple[float, object]:
    """Median seconds of ``rounds`` calls (after one warm-up call), and the last result."""
    result = fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _comparable(figures) -> tuple:
    return (figures.petitions, figures.petition_totals, figures.weekly, figures.reports_by_service,
            figures.reports_by_district, figures.reports_by_status, figures.report_totals, figures.proposals,
            figures.polls)


def in_process(app) -> None:
    from sqlalchemy import func, select

    from civic.db import utcnow
    from civic.extensions import db
    from civic.petitions.models import Petition
    from civic.reports.models import Report
    from civic.stats import service
    from civic.stats.rebuild import rebuild

    with app.app_context():
        db.create_all()  # the rollup tables, when reusing a database loaded by an older version
        start = time.perf_counter()
        counts = rebuild()
        took = time.perf_counter() - start
        print(f"  flask stats rebuild: {took:.1f} s (target <= {TARGET_REBUILD_S} s; {counts['stat_counts']:,} "
              f"day counters, {counts['stat_windows']:,} window rows, {counts['stat_open_petitions']:,} open "
              f"petitions)")
        app.config["STATS_CACHE_SECONDS"] = 0
        now = utcnow()
        for days in service.WINDOWS:
            fast, rolled = _timed(lambda d=days: service.compute_figures(d, None, now))
            slow, daily = _timed(lambda d=days: service.compute_figures(d, None, now, rollups=False))
            assert _comparable(rolled) == _comparable(daily), f"{days} days: rollups and day counters disagree"
            since = now - timedelta(days=days)

            def naive(since=since):
                db.session.execute(select(Petition.department_id, func.count(), func.count(Petition.answered_at))
                                   .where(Petition.created_at >= since).group_by(Petition.department_id)).all()
                db.session.execute(select(Report.service_id, Report.district_code, Report.status, func.count())
                                   .where(Report.created_at >= since)
                                   .group_by(Report.service_id, Report.district_code, Report.status)).all()

            scan, _ = _timed(naive, rounds=3)
            verdict = "ok" if fast * 1000 <= TARGET_MS else "OVER TARGET"
            print(f"  {days:3d} days: dashboard from the window rollups {fast * 1000:6.1f} ms ({verdict}, target "
                  f"<= {TARGET_MS} ms); baselines in this run: from the day counters {slow * 1000:7.1f} ms "
                  f"(ratio to rollups {slow / fast:5.1f}x), naive GROUP BY over the tables (counts only) "
                  f"{scan * 1000:7.1f} ms (ratio {scan / fast:5.1f}x)")
        db.session.remove()


def serve(env: dict, app_spec: str) -> tuple[subprocess.Popen, int]:
    from bench._common import gunicorn

    return gunicorn(env, app_spec)


def warm(port: int, paths: list[str], rounds: int = 4) -> None:
    """One request at a time, with a long timeout: the first request of each worker computes the
    figures (a cache miss); concurrent first requests on a busy machine would only time out."""
    import http.client

    for _ in range(rounds):
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()


def http(label: str, env: dict, app_spec: str = "app:app") -> None:
    proc, port = serve(env, app_spec)
    try:
        warm(port, ["/stats", "/api/v1/stats/petitions?days=365"])
        hammer(port, ["/healthz"] * 40 + ["/stats"] * 40 + ["/api/v1/stats/petitions?days=365"] * 20)
        h50, h99, _ = hammer(port, ["/healthz"] * REQUESTS)
        s50, s99, _ = hammer(port, ["/stats"] * REQUESTS)
        a50, a99, _ = hammer(port, ["/api/v1/stats/petitions?days=365"] * REQUESTS)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    print(f"  HTTP ({label}), gunicorn -w 2, 4 clients, {REQUESTS} requests each:")
    print(f"    /healthz                        p50 {h50 * 1000:6.1f} ms  p99 {h99 * 1000:6.1f} ms")
    print(f"    /stats                          p50 {s50 * 1000:6.1f} ms  p99 {s99 * 1000:6.1f} ms  "
          f"ratio {s50 / h50:.2f}x (target <= 3)")
    print(f"    /api/v1/stats/petitions?days=365 p50 {a50 * 1000:6.1f} ms  p99 {a99 * 1000:6.1f} ms  "
          f"ratio {a50 / h50:.2f}x")


def loaded(app) -> bool:
    from sqlalchemy import func, inspect, select

    from civic.extensions import db
    from civic.petitions.models import Petition

    with app.app_context():
        if not inspect(db.engine).has_table("petitions"):
            return False
        ok = db.session.scalar(select(func.count()).select_from(Petition)) == PETITIONS
        db.session.remove()
    return ok


def run(label: str, database_url: str, instance: str, args) -> None:
    from civic import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench"})
    if args.reuse and loaded(app):
        print(f"[{label}] reusing the {PETITIONS:,} petitions and {REPORTS:,} reports already loaded")
    else:
        start = time.perf_counter()
        load(app, random.Random(16))
        took = time.perf_counter() - start
        print(f"[{label}] loaded {PETITIONS:,} petitions and {REPORTS:,} reports in {took:.0f} s")
    in_process(app)
    if not args.http:
        return
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench",
           "RATELIMIT_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    http("per-process cache, STATS_CACHE_SECONDS=60", env)
    http("no cache, every request reads the aggregates", env, 'civic:create_app({"STATS_CACHE_SECONDS": 0})')


def main() -> None:
    global PETITIONS, REPORTS, REQUESTS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_PETITIONS", "200000")),
                        help="petitions, and as many reports (200000)")
    parser.add_argument("--http", action="store_true", default=os.environ.get("BENCH_HTTP") == "1",
                        help="also measure /stats over HTTP under gunicorn")
    parser.add_argument("--requests", type=int, default=400, help="HTTP requests per path (400)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL"), help="PostgreSQL URL (also measured)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), default=os.environ.get("BENCH_ONLY") or None,
                        help="one database only")
    parser.add_argument("--sqlite-file", default=os.environ.get("BENCH_SQLITE_FILE"), help="keep the SQLite file")
    parser.add_argument("--reuse", action="store_true", default=bool(os.environ.get("BENCH_REUSE")),
                        help="skip loading when the rows are already there")
    args = parser.parse_args()
    PETITIONS = REPORTS = args.rows
    REQUESTS = args.requests
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "postgresql":
            run("sqlite", f"sqlite:///{args.sqlite_file or tmp + '/bench.db'}", tmp, args)
        if args.pg_url and args.only != "sqlite":
            run("postgresql", args.pg_url, tmp, args)


if __name__ == "__main__":
    main()
