"""Relayed national message: from the poll to the first phone.

A loopback HTTP server serves a DSSP-IF-00247 answer (one fresh 긴급재난 message for 강서구);
a loopback push service (tests/webpush/pushservice.py, which decrypts every message) holds N
subscriptions in 강서구. The clock runs from the call of ``ingest.poll`` to the first ``201``,
and to the last, on the embedded default (no Redis: the fan-out runs in the polling process) or,
with ``--redis URL``, with one ``rq worker`` doing the fan-out. Figures are the median of RUNS
polls (a new message each time). Run:

    PYTHONPATH=. .venv/bin/python bench/alert_ingest.py [N=200] [RUNS=5] [--redis redis://127.0.0.1:6379/5]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
REDIS = sys.argv[sys.argv.index("--redis") + 1] if "--redis" in sys.argv else None
if REDIS in ARGS:
    ARGS.remove(REDIS)
N = int(ARGS[0]) if ARGS else 200
RUNS = int(ARGS[1]) if len(ARGS) > 1 else 5


def main() -> None:
    from civic import create_app
    from civic.alerts import ingest, service
    from civic.extensions import db
    from civic.webpush.settings import DEFAULT_PUSH_SERVICES
    from tests.alerts.sourceserver import SourceServer
    from tests.webpush.pushservice import LoopbackPushService

    tmp = tempfile.mkdtemp(prefix="civic-ingest-bench-")
    with LoopbackPushService() as push, SourceServer() as source:
        first_201: list[float] = []
        lock = threading.Lock()
        original = push.handle

        def timed(handler):
            original(handler)
            with lock:
                first_201.append(time.perf_counter())

        push.handle = timed  # type: ignore[method-assign]
        database = f"sqlite:///{tmp}/bench.db"
        app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": database,
                          "INSTANCE_PATH": f"{tmp}/instance", "REDIS_URL": REDIS, "JOBS_INLINE": REDIS is None,
                          "PUSH_SERVICE_ALLOWLIST": [*DEFAULT_PUSH_SERVICES, push.origin]})
        worker = None
        if REDIS:
            from redis import Redis

            Redis.from_url(REDIS).flushdb()
            env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": REDIS, "SECRET_KEY": "bench",
                   "VAPID_PRIVATE_KEY": app.config["VAPID_PRIVATE_KEY"], "PYTHONPATH": ".",
                   "PUSH_SERVICE_ALLOWLIST": " ".join([*DEFAULT_PUSH_SERVICES, push.origin])}
            worker = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "rq"), "worker", "--url", REDIS,
                                       "alerts", "default"], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
        with app.app_context():
            db.create_all()
            for _ in range(N):
                device = push.new_device()
                service.subscribe(push.subscription(device, districts=["11500"]))
            firsts, lasts = [], []
            for run in range(RUNS):
                now = datetime.now(UTC).astimezone(ZoneInfo("Asia/Seoul"))
                body = {"header": {"resultCode": "00", "resultMsg": "NORMAL SERVICE", "totalCount": 1},
                        "body": [{"SN": 900000 + run, "CRT_DT": now.strftime("%Y/%m/%d %H:%M:%S"),
                                  "MSG_CN": f"[행정안전부] 벤치마크 {run}: 강서구 호우 경보",
                                  "RCPTN_RGN_NM": "서울특별시 강서구",
                                  "EMRG_STEP_NM": "긴급재난", "DST_SE_NM": "호우", "REG_YMD": now.strftime("%Y-%m-%d"),
                                  "MDFCN_YMD": now.strftime("%Y-%m-%d")}]}
                url = source.put("/dssp", json.dumps(body, ensure_ascii=False))
                first_201.clear()
                started = time.perf_counter()
                report = ingest.poll(url, "safetydata")
                assert report.created and not push.errors, (report.summary(), push.errors[:3])
                deadline = time.monotonic() + 120
                while REDIS and time.monotonic() < deadline and not all(
                        any(m["id"] == report.created[0] for m in d.received) for d in push.devices.values()):
                    time.sleep(0.05)
                firsts.append(min(first_201) - started)
                lasts.append(max(first_201) - started)
                alert_id = report.created[0]
                missing = [d for d in push.devices.values() if not any(m["id"] == alert_id for m in d.received)]
                assert not missing, f"{len(missing)} subscriptions did not get alert {alert_id}"
        if worker is not None:
            worker.terminate()
            worker.wait(30)
    mode = "Redis + 1 rq worker" if REDIS else "embedded default (fan-out in the polling process)"
    print(f"subscriptions in the district: {N}; runs: {RUNS}; {mode}")
    print(f"poll -> first push accepted: median {statistics.median(firsts) * 1000:.0f} ms, "
          f"max {max(firsts) * 1000:.0f} ms (target <= 5000 ms)")
    print(f"poll -> last push accepted:  median {statistics.median(lasts) * 1000:.0f} ms, "
          f"max {max(lasts) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
