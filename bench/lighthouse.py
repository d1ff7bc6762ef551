"""Lighthouse (mobile emulation, default simulated slow-4G throttling) on the main citizen pages.

Starts the app locally (gunicorn, a fresh SQLite database with the default data, a poll, a
proposal and a signed-in citizen for the forms), runs npm ``lighthouse`` in Debian's Chromium
on each page, and prints performance / accessibility / best-practices scores per page with the
issue's targets (performance >= 95, accessibility 100, best practices >= 95). Audits that lost
points are listed below the table. Exits non-zero when a target is missed.

    PYTHONPATH=. .venv/bin/python bench/lighthouse.py [--pages home,nearby,...]

``LIGHTHOUSE`` names the lighthouse CLI (default ``node_modules/.bin/lighthouse``, installed by
``npm ci`` from package.json); ``CHROME_PATH`` the browser (default /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95}
EMAIL, PASSWORD = "lighthouse@example.org", "a long enough password"


def prepare(database: str, instance: Path) -> dict:
    """The default data plus one open poll, one published proposal and a citizen."""
    from datetime import timedelta

    from bench._common import seed_every_feature
    from civic import create_app
    from civic.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "INSTANCE_PATH": str(instance), "SECRET_KEY": "lh"})
    ids = {}
    with app.app_context():
        db.create_all()
        seed_every_feature()
        from civic.accounts.service import create_user
        from civic.db import utcnow

        create_user(EMAIL, PASSWORD, "citizen", None, "")
        try:
            from civic.participation import service

            staff = create_user("lh-staff@example.org", PASSWORD, "staff", "CITIZEN-COMM", "")
            now = utcnow()
            poll = service.create_poll(staff, question_ko="지하철 막차 시간을 연장할까요?",
                                       question_en="Run the last subway trains later?", options=["찬성", "반대"],
                                       opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(days=7))
            proposal = service.create_proposal(create_user("lh-author@example.org", PASSWORD, "citizen", None, ""),
                                               title="동네 도서관 운영시간을 늘려 주세요",
                                               body="퇴근 후에도 이용할 수 있도록 도서관을 밤 10시까지 열어 주세요.",
                                               category="other")
            service.publish_proposal(staff, proposal.id)
            ids = {"poll": poll.id, "proposal": proposal.id}
        except Exception as exc:  # noqa: BLE001 - participation not installed or changed: skip its pages
            print(f"(no poll/proposal pages: {exc})")
        db.session.remove()
    return ids


def wait_up(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def session_cookie(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/login", data=data).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def run_lighthouse(cli: list[str], url: str, headers: dict | None, out: Path) -> dict:
    command = [*cli, url, "--quiet", "--output=json", f"--output-path={out}",
               "--only-categories=performance,accessibility,best-practices",
               f"--chrome-flags={CHROME_FLAGS}"]
    if headers:
        command.append("--extra-headers=" + json.dumps(headers))
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return json.loads(out.read_text())


def lost_points(report: dict) -> list[str]:
    lines = []
    for cat_id, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if ref.get("weight", 0) > 0 and score is not None and score < 0.9:
                lines.append(f"    {cat_id}: {ref['id']} ({score:.2f}) {audit.get('displayValue', '')}".rstrip())
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", help="comma-separated subset of: home,nearby,report,petition,poll,proposal,alerts")
    parser.add_argument("--json-dir", help="keep each page's full Lighthouse JSON report here")
    args = parser.parse_args()
    cli_path = os.environ.get("LIGHTHOUSE") or str(ROOT / "node_modules" / ".bin" / "lighthouse")
    if not Path(cli_path).exists() and not shutil.which(cli_path):
        print(f"SKIPPED: lighthouse CLI not found at {cli_path}: run `npm ci` (package.json pins it) "
              "or set LIGHTHOUSE")
        return 0
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).exists():
        print(f"SKIPPED: Chromium not found at {chrome}: set CHROME_PATH")
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="civic-lh-"))
    database = f"sqlite:///{tmp / 'lh.db'}"
    ids = prepare(database, tmp)
    from bench._common import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database, "INSTANCE_PATH": str(tmp), "SECRET_KEY": "lh",
           "RATELIMIT_ENABLED": "false"}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "app:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(base)
        cookie = {"Cookie": session_cookie(base)}
        pages = [("home", "/", None), ("nearby", "/places?category=toilet&lat=37.5665&lon=126.978", None),
                 ("report", "/reports/new", cookie), ("petition", "/petitions/new", cookie)]
        if ids:
            pages += [("poll", f"/polls/{ids['poll']}", None), ("proposal", f"/proposals/{ids['proposal']}", None)]
        pages.append(("alerts", "/alerts", None))
        if args.pages:
            wanted = set(args.pages.split(","))
            pages = [p for p in pages if p[0] in wanted]
        print(f"lighthouse {subprocess.run([cli_path, '--version'], capture_output=True, text=True).stdout.strip()},"
              " mobile emulation, simulated slow 4G + 4x CPU slowdown")
        print(f"{'page':<10}{'path':<52}{'perf':>6}{'a11y':>6}{'bp':>6}")
        missed, details = 0, []
        for name, path, headers in pages:
            try:
                report = run_lighthouse([cli_path], base + path, headers, tmp / f"{name}.json")
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"{name:<10}{path:<52}  ERROR {exc}")
                missed += 1
                continue
            scores = {k: round((report["categories"][k]["score"] or 0) * 100) for k in TARGETS}
            bad = [k for k, target in TARGETS.items() if scores[k] < target]
            missed += bool(bad)
            print(f"{name:<10}{path[:50]:<52}{scores['performance']:>6}{scores['accessibility']:>6}"
                  f"{scores['best-practices']:>6}{'  below target: ' + ', '.join(bad) if bad else ''}")
            if args.json_dir:
                Path(args.json_dir).mkdir(parents=True, exist_ok=True)
                shutil.copy(tmp / f"{name}.json", Path(args.json_dir) / f"{name}.json")
            lost = lost_points(report)
            if lost:
                details.append(f"  {name}:")
                details.extend(lost)
        if details:
            print("audits that lost points:")
            print("\n".join(details))
        print("targets: performance >= 95, accessibility 100, best practices >= 95; "
              f"{'all met' if not missed else f'{missed} page(s) below target'}")
        return 1 if missed else 0
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
