"""Regenerate the README screenshots: the real app on loopback, seeded, in Debian's headless
Chromium at a 360x740 phone viewport. Run: PYTHONPATH=. .venv/bin/python docs/make_screenshots.py"""

from __future__ import annotations

import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from civic import create_app, installed_features
from civic.extensions import db

OUT = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = [
    ("home", "/"),
    ("places", "/places?lat=37.5665&lon=126.9780&category=toilet"),
    ("report", "/reports/new"),
    ("petition", "/petitions/new"),
    ("polls", "/polls"),
    ("alerts", "/alerts"),
]


def seed_demo():
    import importlib

    for name in installed_features():
        try:
            importlib.import_module(f"civic.{name}.seed").seed()
        except ModuleNotFoundError:
            pass
    from civic.accounts import service as accounts
    from civic.participation import service as participation

    accounts.create_user("demo@example.org", "demo password 123")
    staff = accounts.create_user("pollster@example.org", "demo password 123", "staff", "CITIZEN-COMM")
    now = datetime.now(UTC)
    participation.create_poll(staff, question_ko="한강공원 야간 개방 시간을 늘릴까요?",
                              options=["찬성", "반대", "잘 모르겠다"],
                              opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=7))


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="civic-shots-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 's.db'}", "INSTANCE_PATH": str(tmp),
                      "SECRET_KEY": "shots", "RATELIMIT_ENABLED": False, "TILE_URL": ""})
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1,
                                   locale="ko-KR", is_mobile=True).new_page()
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(base)
                   else route.continue_())
        page.goto(base + "/login")
        page.fill("#email", "demo@example.org")
        page.fill("#password", "demo password 123")
        page.click("button[type=submit]")
        for name, path in SHOTS:
            page.goto(base + path)
            page.screenshot(path=str(OUT / f"{name}.png"))
            print(OUT / f"{name}.png")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
