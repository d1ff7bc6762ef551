"""Browser tests: the real app served on loopback, driven in Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from civic import create_app
from civic.extensions import db
from tests.conftest import make_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def live_app(tmp_path, mailbox):
    # Its own SQLite file even in the PostgreSQL pass: the server thread must not share the
    # per-test PostgreSQL tables with the test process. Mail goes to a loopback SMTP server.
    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e2e.db'}",
                                 WTF_CSRF_ENABLED=True, MAIL_URL=mailbox.url))
    with app.app_context():
        db.create_all()
        from civic.accounts.seed import seed

        seed()
        db.session.remove()
    return app


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Debian chromium is required in CI (make browser installs it)")
        pytest.skip("chromium is not installed (make browser installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 360x740 phone-sized page, Korean browser."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ko-KR",
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


AXE = Path(__file__).resolve().parent.parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def a11y_phone(browser):
    """A phone page where axe-core can be injected (the site's CSP forbids injected scripts, so
    this context bypasses CSP; pages under test are otherwise unchanged)."""
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core is required in CI (make browser installs it)")
        pytest.skip("axe-core is not installed (make browser installs it)")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ko-KR",
                                  device_scale_factor=2, is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return result


def follow_mail_link(page, base: str, mailbox, to: str, fragment: str, count: int = 1) -> str:
    """Open the link containing ``fragment`` of the ``count``-th mail to ``to`` (links are on
    ``PUBLIC_URL``; the page goes to the same path on the live server). Returns the path."""
    from tests.smtp import link_with, path_of

    mail = mailbox.wait_for(to, count=count)[count - 1]
    path = path_of(link_with(mail, fragment))
    page.goto(base + path)
    return path


def sign_up_confirmed(page, base: str, mailbox, email: str, password: str = "a long enough password") -> None:
    """Sign up in the browser, follow the confirmation link from the mail, and sign in: what a
    new citizen does before filing anything."""
    page.goto(base + "/register")
    page.fill("#email", email)
    page.fill("#password", password)
    page.check("#privacy_consent")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    follow_mail_link(page, base, mailbox, email, "/account/confirm/")
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
