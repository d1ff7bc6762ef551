"""Browser tests: the real app served on loopback, driven in Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from civic.extensions import db
from tests.conftest import TEST_DATABASE_URL, app_for_test, end_test, make_config, wait_for
from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _seed_accounts():
    from civic.accounts.seed import seed

    seed()


@pytest.fixture
def live_app(tmp_path, session_dir, mailbox):
    """The app a live server serves, with the departments seeded. On SQLite its own database file
    (never the ``app`` fixture's); on PostgreSQL the run's database, so browser tests meet
    PostgreSQL's concurrency too. Mail goes to a loopback SMTP server (``mailbox``)."""
    config = make_config(tmp_path, WTF_CSRF_ENABLED=True, MAIL_URL=mailbox.url,
                         SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'e2e.db'}")
    app = app_for_test(config, tmp_path, session_dir, kind="live", prepare=_seed_accounts)
    yield app
    end_test(app)


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    with live_app.app_context():
        db.session.remove()


@pytest.fixture(scope="module")
def browser():
    """Chromium, per test module: Playwright's sync API keeps an asyncio loop marked as running
    on this thread while it is open, so a test run after it on the same xdist worker could not
    call ``asyncio.run`` (the push sender's tests do). A launch costs about a second."""
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
    from playwright.sync_api import Error

    # After a click that navigates, the new document may not have been committed yet: wait for
    # it, and once more if the script met a document still being replaced.
    page.wait_for_load_state()
    try:
        page.add_script_tag(path=str(AXE))
    except Error:
        page.wait_for_load_state()
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
    sign_in(page, base, email, password)


@pytest.fixture
def push_service(push_service, live_app):
    """The loopback push service (tests/conftest.py), allowed by the live app, with no quiet hours
    (a test must not depend on the hour)."""
    live_app.config["PUSH_SERVICE_ALLOWLIST"] = [*live_app.config["PUSH_SERVICE_ALLOWLIST"], push_service.origin]
    live_app.config["PERSONAL_PUSH_QUIET_HOURS"] = None
    return push_service


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where a test keeps its screenshots: ``$E2E_SCREENSHOTS`` when set, else its own temporary
    folder (never a tracked file; ``docs/make_screenshots.py`` refreshes the documentation's)."""
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form (in any language) and wait for the page it leads to."""
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")




def wait_until(page, expression: str, timeout_s: float = 10) -> None:
    """Poll with ``evaluate`` (CDP, not eval): the site's CSP forbids the eval that
    ``wait_for_function`` relies on."""
    wait_for(lambda: page.evaluate(expression), timeout_s=timeout_s, interval_s=0.1, message=expression)
