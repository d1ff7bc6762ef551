"""Regenerate the README screenshots: the real app on loopback, seeded, in Debian's headless
Chromium at a 360x740 phone viewport, and the staff desk at 1280x800.
Run: PYTHONPATH=. .venv/bin/python docs/make_screenshots.py [--only citizen|staff]"""

from __future__ import annotations

import argparse
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from civic import create_app, installed_features
from civic.accounts.demo import DEMO_PASSWORD
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
    ("proposals", "/proposals"),
    ("map", "/maps/map-1"),
    ("alerts", "/alerts"),
]


def seed_demo():
    """What `make run` loads on a new database (`flask seed --demo`), plus one alert in force so
    the banner shows (one of the demo's alerts that fits the season)."""
    import importlib

    from civic.alerts import service as alerts
    from civic.alerts.demo import alert_in_force
    from civic.demo import load_demo
    from civic.timezone import local_now

    for name in installed_features():
        try:
            importlib.import_module(f"civic.{name}.seed").seed()
        except ModuleNotFoundError:
            pass
    assert load_demo().loaded
    from civic.accounts.service import find_user_by_email

    officer = find_user_by_email("officer@demo.civic.example")
    # An alert that fits the season of the day the screenshots are taken (no heavy rain in December).
    alerts.send(officer, alerts.create_draft(officer, alert_in_force(local_now().date())))


# name, path: the staff desk, signed in as the demo staff member of 도로관리과, at a desk's width.
STAFF_SHOTS = [("staff-desk", "/staff/petitions")]


def staff_shots(browser, base: str) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1,
                               locale="ko-KR").new_page()
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(base)
               else route.continue_())
    page.goto(base + "/login")
    page.fill("#email", "staff@demo.civic.example")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    for name, path in STAFF_SHOTS:
        page.goto(base + path)
        page.keyboard.press("j")          # the current row, as a keyboard user sees it
        page.screenshot(path=str(OUT / f"{name}.png"))
        print(OUT / f"{name}.png")
    page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=("citizen", "staff"), help="regenerate only these screenshots")
    only = parser.parse_args().only
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
        if only != "citizen":
            staff_shots(browser, base)
        if only == "staff":
            browser.close()
            server.shutdown()
            return
        page = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1,
                                   locale="ko-KR", is_mobile=True).new_page()
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(base)
                   else route.continue_())
        page.goto(base + "/login")
        page.fill("#email", "citizen@demo.civic.example")
        page.fill("#password", DEMO_PASSWORD)
        page.click("main button[type=submit]")
        # A citizen whose phone gets alerts for 강남구 (what alerts.js remembers when subscribing).
        page.context.add_cookies([{"name": "alert_districts", "value": "11680", "url": base}])
        for name, path in SHOTS:
            page.goto(base + path)
            page.screenshot(path=str(OUT / f"{name}.png"))
            print(OUT / f"{name}.png")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
