"""Duplicate look-ups ("open reports of the same service within 50 m") per second on 50,000
reports: civic's indexed bounding-box query plus exact distance, against a baseline that scans
every open report of the service in Python, measured in the same run (SQLite, temporary file)."""

from __future__ import annotations

import random
import secrets
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from civic import create_app, geo
from civic.extensions import db


def main(n: int = 50_000, lookups: int = 300) -> None:
    tmp = Path(tempfile.mkdtemp())
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": str(tmp),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}", "RATELIMIT_ENABLED": False})
    with app.app_context():
        from civic.accounts.seed import seed as seed_departments
        from civic.db import utcnow
        from civic.reports import service
        from civic.reports.models import Report, Service
        from civic.reports.seed import seed as seed_reports

        db.create_all()
        seed_departments()
        seed_reports()
        services = {s.code: s.id for s in db.session.scalars(select(Service))}
        department_id = service.route_report("pothole", "11680").id
        rng = random.Random(4)
        now = utcnow()
        rows = [{"service_id": rng.choice(list(services.values())), "lat": rng.uniform(37.45, 37.68),
                 "lon": rng.uniform(126.85, 127.15), "status": rng.choice(["open", "open", "closed"]),
                 "department_id": department_id, "token": secrets.token_hex(8), "description": "",
                 "address": "", "attributes": {}, "contact": {}, "created_at": now, "updated_at": now}
                for _ in range(n)]
        for i in range(0, n, 5000):
            db.session.execute(insert(Report), rows[i:i + 5000])
        db.session.commit()
        probes = [(rng.uniform(37.45, 37.68), rng.uniform(126.85, 127.15)) for _ in range(lookups)]

        start = time.perf_counter()
        fast = [[r.id for r in service.nearby_open_reports("pothole", lat, lon)] for lat, lon in probes]
        indexed = time.perf_counter() - start
        db.session.expunge_all()

        def naive(lat, lon):
            candidates = db.session.execute(select(Report.id, Report.lat, Report.lon).where(
                Report.service_id == services["pothole"], Report.status != "closed")).all()
            near = [(geo.haversine_m(lat, lon, la, lo), i) for i, la, lo in candidates]
            return [i for d, i in sorted(near) if d <= 50]

        sample = probes[: lookups // 10]
        start = time.perf_counter()
        slow = [naive(lat, lon) for lat, lon in sample]
        scan = (time.perf_counter() - start) * 10

        assert fast[: len(sample)] == slow
        print(f"duplicate look-ups on {n:,} reports: indexed {lookups / indexed:,.0f}/s, "
              f"full scan {lookups / scan:,.0f}/s, ratio {scan / indexed:.1f}x")
        db.engine.dispose()


if __name__ == "__main__":
    main()
