"""Time to the last phone: from the officer's "send" to the first and the last ``201``.

N subscriptions (default 100,000) spread over 3 push-service origins, on a loopback push service
(its own process, aiohttp) that answers each request after 30–80 ms, like a real one, and on a
sample decrypts the body (RFC 8291) and checks the VAPID token (RFC 8292). Two set-ups:

- ``pool``: the embedded default. SQLite, no Redis; the fan-out runs on the job pool's threads
  inside this process (which plays the web process).
- ``rq``: PostgreSQL + Redis and ``--workers`` RQ worker processes (``civic.rq_worker.Worker``).

Figures: send → first 201, send → last 201, how long ``send`` itself took (the officer's
request), messages/s overall and per worker CPU-second, and a CPU profile of one batch. Run:

    PYTHONPATH=. .venv/bin/python bench/alert_latency.py --size 100000 --mode both \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/civic_push \\
        --redis-url redis://127.0.0.1:6379/11
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import device_keys, push_service, stats

ROOT = Path(__file__).resolve().parent.parent
N_KEYS = 64  # distinct device keys (endpoints are all distinct); the service can decrypt any sample
SAMPLE_EVERY = 500
ORIGINS = 3
GANGNAM, JONGNO = "11680", "11110"


def build_app(database_url: str, instance: Path, origins: list[str], **extra):
    from civic import create_app

    config = {"TESTING": False, "SECRET_KEY": "bench", "INSTANCE_PATH": str(instance),
              "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False,
              "PUSH_SERVICE_ALLOWLIST": " ".join(origins), "JOBS_INLINE": False}
    config.update(extra)
    return create_app(config)


def populate(app, origins: list[str], public: list[tuple[str, str]], size: int, profile_size: int):
    """Fresh tables, the reference data, an officer, ``size`` subscriptions in Gangnam spread
    over the origins, and ``profile_size`` in Jongno for the profiled batch."""
    from sqlalchemy import insert, text

    from civic.accounts.seed import seed
    from civic.accounts.service import create_user
    from civic.alerts.models import PushSubscription, SubscriptionDistrict
    from civic.extensions import db

    with app.app_context():
        db.drop_all()
        db.create_all()
        seed()
        officer = create_user("officer@example.org", "correct horse battery", "alert_officer")
        for district, start, count in ((GANGNAM, 0, size), (JONGNO, size, profile_size)):
            for chunk in range(start, start + count, 10_000):
                numbers = range(chunk, min(chunk + 10_000, start + count))
                rows = [{"endpoint": f"{origins[n % ORIGINS]}/push/{n % N_KEYS}-{n}", "p256dh": public[n % N_KEYS][0],
                         "auth": public[n % N_KEYS][1], "types": "", "lang": "ko"} for n in numbers]
                db.session.execute(insert(PushSubscription), rows)
                first_id = db.session.query(PushSubscription.id).filter_by(endpoint=rows[0]["endpoint"]).scalar()
                db.session.execute(insert(SubscriptionDistrict), [
                    {"subscription_id": first_id + i, "code": district, "via_location": False}
                    for i in range(len(rows))])
                db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Statistics, as autovacuum keeps them on a live database (planning the audience no
            # longer depends on them: docs/alerts.md, "First phone on PostgreSQL").
            with db.engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        officer_id = officer.id
        db.session.remove()
    return officer_id


def draft(app, officer_id: int, district: str) -> int:
    from civic.accounts.models import User
    from civic.alerts import service
    from civic.extensions import db

    with app.app_context():
        officer = db.session.get(User, officer_id)
        alert = service.create_draft(officer, {
            "type": "earthquake", "level": "urgent", "districts": [district], "headline_ko": "지진 발생",
            "body_ko": "강한 흔들림에 대비하세요. 탁자 아래로 대피하세요.", "expires_in_min": 60})
        return alert.id


def send_and_wait(app, officer_id: int, alert_id: int, timeout_s: float) -> tuple[float, float, float, dict]:
    """Send as the officer; returns (wall clock at send, seconds ``send`` took, seconds until the
    alert was ``sent``, progress)."""
    from civic.accounts.models import User
    from civic.alerts import fanout, service
    from civic.alerts.models import Alert
    from civic.extensions import db

    with app.app_context():
        officer = db.session.get(User, officer_id)
        alert = db.session.get(Alert, alert_id)
        t0 = time.time()
        service.send(officer, alert)
        returned = time.time() - t0
        db.session.remove()
    last_line = 0.0
    while True:
        with app.app_context():
            alert = db.session.get(Alert, alert_id)
            progress = fanout.progress(alert)
            status = alert.status
            db.session.remove()
        if status == "sent":
            return t0, returned, time.time() - t0, progress
        if time.time() - t0 > timeout_s:
            raise SystemExit(f"timed out: {progress}")
        if time.time() - last_line > 5:
            done = progress["sent"] + progress["failed"] + progress["gone"]
            print(f"  … {time.time() - t0:6.1f} s: {done}/{progress['total']}", file=sys.stderr)
            last_line = time.time()
        time.sleep(0.2)


def profile_one_batch(app, officer_id: int, alert_id: int) -> str:
    """CPU profile (cProfile on process time) of one ``send_batch``: plan first, send a batch to
    warm up as a worker's earlier batches would, then profile the next batch alone, in this thread."""
    from sqlalchemy import func

    from civic import jobs
    from civic.accounts.models import User
    from civic.alerts import fanout, service
    from civic.alerts.models import Alert, Delivery
    from civic.db import unit_of_work
    from civic.extensions import db

    with app.app_context():
        officer = db.session.get(User, officer_id)
        alert = db.session.get(Alert, alert_id)
        app.config.update(JOBS_INLINE=False, JOBS_BACKEND="pool")
        with unit_of_work():
            alert.status = "sending"
        original = jobs.enqueue
        jobs.enqueue = lambda *a, **k: None  # plan only: the batch runs below, profiled
        try:
            fanout.plan_fanout(alert_id)
        finally:
            jobs.enqueue = original
        first, last = db.session.query(func.min(Delivery.id), func.max(Delivery.id)).filter_by(alert_id=alert_id).one()
        # A worker's batch after its first: the first half warms up (connections kept open), the
        # second half is the profiled batch.
        middle = (first + last) // 2
        fanout.send_batch(alert_id, first, middle)
        first = middle + 1
        profiler = cProfile.Profile(time.process_time)  # CPU time: waiting for answers is not cost
        wall, cpu = time.perf_counter(), time.process_time()
        profiler.enable()
        counts = fanout.send_batch(alert_id, first, last)
        profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        del officer, service
    out = io.StringIO()
    out.write(f"one batch of {sum(counts.values())} messages: {wall:.2f} s wall, {cpu:.2f} s CPU "
              f"({1000 * cpu / max(1, sum(counts.values())):.3f} ms/msg), {counts}\n")
    stats = pstats.Stats(profiler, stream=out)
    out.write(cost_summary(stats, sum(counts.values())))
    stats.sort_stats("tottime").print_stats(18)
    return out.getvalue()


# Where a function's own CPU time goes, by the file it is in (first match wins).
COST_GROUPS = (
    ("VAPID (py-vapid, token cache)", ("py_vapid", " header_for", " _sign")),
    ("encryption (pywebpush, http_ece, cryptography)", ("pywebpush", "http_ece", "cryptography", "webpush/crypto.py")),
    ("database (SQLAlchemy, driver, fanout.py)", ("sqlalchemy", "sqlite3", "psycopg", "alerts/fanout.py")),
    ("transport (asyncio, sockets, http1.py, sender.py)", ("asyncio", "socket", "selectors", "select.", "ssl",
                                                           "webpush/http1.py", "webpush/sender.py")),
)


def cost_summary(stats: pstats.Stats, messages: int) -> str:
    """Own CPU time per group (encryption, VAPID, database, transport, the rest), ms per message."""
    totals: dict[str, float] = {}
    for (filename, line, name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{filename}:{line} {name}"
        group = next((label for label, needles in COST_GROUPS if any(n in where for n in needles)), "the rest")
        totals[group] = totals.get(group, 0.0) + tottime
    total = sum(totals.values()) or 1.0
    lines = [f"  {label:<52} {seconds:6.3f} s {100 * seconds / total:5.1f}%  {1000 * seconds / max(1, messages):.3f} "
             "ms/msg" for label, seconds in sorted(totals.items(), key=lambda kv: -kv[1])]
    opened = [(nc, ct) for (filename, _line, name), (_cc, nc, _tt, ct, _callers) in stats.stats.items()  # type: ignore[attr-defined]
              if filename.endswith("http1.py") and name == "_open"]
    if opened:
        calls, seconds = opened[0]
        lines.append(f"  of which opening connections (http1 _open, cumulative): {seconds:.3f} s "
                     f"{100 * seconds / total:.1f}% ({calls} resumptions)")
    return "CPU by group (own time, under the profiler):\n" + "\n".join(lines) + "\n"


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its waited-for children (RQ's work horses)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / ticks


def report(name: str, t0: float, returned: float, finished: float, progress: dict, service: dict, size: int,
           cpu: float | None, cores: int) -> None:
    first, last = service["first"] - t0, service["last"] - t0
    print(f"[{name}] {size} subscriptions, {ORIGINS} origins, push service 30–80 ms per answer")
    print(f"[{name}]   send returned after   {returned * 1000:8.0f} ms (the officer's request)")
    print(f"[{name}]   send → first 201      {first:8.2f} s")
    print(f"[{name}]   send → last 201       {last:8.2f} s   (alert 'sent' after {finished:.2f} s)")
    print(f"[{name}]   throughput            {service['count'] / max(last, 1e-9):8.0f} msg/s overall")
    if cpu:
        print(f"[{name}]   worker CPU            {cpu:8.1f} s = {service['count'] / cpu:6.0f} msg/s per worker "
              f"core ({cores} worker processes)")
    print(f"[{name}]   delivered {progress['sent']} sent, {progress['failed']} failed, {progress['gone']} gone; "
          f"service saw {service['count']} (verified sample {service['verified']}, errors {len(service['errors'])})")


def run_pool(args, origins, public, tmp: Path) -> None:
    from civic import jobs

    app = build_app(f"sqlite:///{tmp / 'pool.db'}", tmp / "instance", origins, JOBS_BACKEND="pool",
                    REDIS_URL=None, JOBS_POOL_THREADS=str(args.threads), PUSH_BATCH_SIZE=str(args.batch))
    officer_id = populate(app, origins, public, args.size, 2 * args.batch)
    alert_id = draft(app, officer_id, GANGNAM)
    stats(origins[0], reset=True)
    jobs.start_pool(app)
    cpu = time.process_time()
    t0, returned, finished, progress = send_and_wait(app, officer_id, alert_id, args.timeout)
    cpu = time.process_time() - cpu
    jobs.stop_pool(app)
    report("pool", t0, returned, finished, progress, stats(origins[0], reset=True), args.size, cpu, 1)
    if args.profile:
        print(profile_one_batch(app, officer_id, draft(app, officer_id, JONGNO)))


def run_rq(args, origins, public, tmp: Path) -> None:
    from redis import Redis
    from rq import Worker

    app = build_app(args.database_url, tmp / "instance-rq", origins, JOBS_BACKEND="rq", REDIS_URL=args.redis_url,
                    PUSH_BATCH_SIZE=str(args.batch))
    officer_id = populate(app, origins, public, args.size, args.batch)
    alert_id = draft(app, officer_id, GANGNAM)
    redis = Redis.from_url(args.redis_url)
    redis.flushdb()
    env = dict(os.environ, DATABASE_URL=args.database_url, REDIS_URL=args.redis_url, SECRET_KEY="bench",
               INSTANCE_PATH=str(tmp / "instance-rq"), PYTHONPATH=str(ROOT), PUSH_BATCH_SIZE=str(args.batch),
               PUSH_SERVICE_ALLOWLIST=" ".join(origins), VAPID_PRIVATE_KEY=app.config["VAPID_PRIVATE_KEY"])
    rq = str(Path(sys.executable).parent / "rq")
    def log(i: int):
        return open(f"/tmp/alert_latency_worker{i}.log", "w") if args.worker_logs else subprocess.DEVNULL  # noqa: SIM115

    workers = [subprocess.Popen([rq, "worker", "--worker-class", args.worker_class, "--url", args.redis_url,
                                 "alerts"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log(i))
               for i in range(args.workers)]
    try:
        deadline = time.time() + 180
        while len(Worker.all(connection=redis)) < args.workers:  # ready: app built in each parent
            if time.time() > deadline:
                raise SystemExit("RQ workers did not start")
            time.sleep(0.2)
        stats(origins[0], reset=True)
        cpu_before = sum(cpu_seconds(w.pid) for w in workers)
        t0, returned, finished, progress = send_and_wait(app, officer_id, alert_id, args.timeout)
        time.sleep(0.5)
        cpu = sum(cpu_seconds(w.pid) for w in workers) - cpu_before
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        redis.flushdb()
    report("rq", t0, returned, finished, progress, stats(origins[0], reset=True), args.size, cpu, args.workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--mode", choices=("pool", "rq", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="pool threads (pool mode)")
    parser.add_argument("--batch", type=int, default=500, help="PUSH_BATCH_SIZE")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/civic_push"))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--worker-class", default="civic.rq_worker.SimpleWorker",
                        help="civic.rq_worker.Worker (a work horse per job) or civic.rq_worker.SimpleWorker")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--worker-logs", action="store_true", help="RQ worker logs to /tmp/alert_latency_worker*.log")
    args = parser.parse_args()
    if args.redis_url.rstrip("/").endswith("/15"):
        raise SystemExit("Redis db 15 is the integration run's: choose another")

    keys, public = device_keys(N_KEYS)
    with push_service(keys, origins=ORIGINS, delay_ms=(30, 80), sample_every=SAMPLE_EVERY) as origins, \
            tempfile.TemporaryDirectory() as tmp:
        if args.mode in ("pool", "both"):
            run_pool(args, origins, public, Path(tmp))
        if args.mode in ("rq", "both"):
            run_rq(args, origins, public, Path(tmp))


if __name__ == "__main__":
    main()
