"""axe-core on every page of the core shell, in Korean and English, signed out and signed in.
Feature pages add themselves to PAGES as they land."""

import pytest

from tests.e2e.conftest import axe_violations, sign_up_confirmed

pytestmark = pytest.mark.e2e

PAGES = ["/", "/login", "/register", "/password-reset", "/password-reset/expired-or-altered", "/offline",
         "/no-such-page", "/api/v1/docs",
         "/participate", "/polls", "/proposals", "/reports", "/reports/new", "/maps",
         "/places", "/places?lat=37.5665&lon=126.9780&category=toilet", "/alerts",
         "/alerts/guides", "/alerts/guides/earthquake", "/petitions"]
SIGNED_IN_PAGES = ["/", "/account", "/account/email", "/account/devices", "/notifications", "/proposals/new",
                   "/proposals/mine", "/petitions", "/petitions/new", "/reports/mine"]


def sign_up(page, base, mailbox):
    sign_up_confirmed(page, base, mailbox, "axe@example.org")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_axe_violations_signed_out(live_server, a11y_phone, lang):
    a11y_phone.goto(f"{live_server}/lang/{lang}")
    for path in PAGES:
        a11y_phone.goto(live_server + path)
        assert axe_violations(a11y_phone) == [], path


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_axe_violations_signed_in(live_server, a11y_phone, lang, mailbox):
    sign_up(a11y_phone, live_server, mailbox)
    a11y_phone.goto(f"{live_server}/lang/{lang}")
    for path in SIGNED_IN_PAGES:
        a11y_phone.goto(live_server + path)
        assert axe_violations(a11y_phone) == [], path


def test_touch_targets_are_at_least_44px(live_server, phone):
    phone.goto(live_server + "/")
    small = phone.evaluate("""() => [...document.querySelectorAll('a, button, input, select, textarea')]
        .filter(el => el.offsetParent !== null && !el.classList.contains('skip'))
        .map(el => ({text: (el.innerText || el.name || '').trim(), h: el.getBoundingClientRect().height}))
        .filter(t => t.h < 44)""")
    assert small == []


def test_keyboard_only_reaches_main_content(live_server, phone):
    phone.goto(live_server + "/")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip"
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"


ZOOM_PAGES = ["/", "/places", "/places?lat=37.5665&lon=126.9780&category=toilet", "/reports", "/maps",
              "/petitions", "/participate", "/polls", "/proposals", "/alerts", "/alerts/guides",
              "/alerts/guides/traffic_accident", "/offline", "/login", "/register"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_text_zoom_200_percent_without_sideways_scrolling(live_server, phone, lang, mailbox):
    """WCAG 1.4.4: text at 200 % on a 360 px screen; nothing may need horizontal scrolling."""
    phone.goto(f"{live_server}/lang/{lang}")
    wide = {}
    for path in ZOOM_PAGES + ["/reports/new", "/petitions/new", "/proposals/new"]:
        if path == "/reports/new":
            sign_up(phone, live_server, mailbox)
            phone.goto(f"{live_server}/lang/{lang}")
        phone.goto(live_server + path)
        phone.evaluate("document.documentElement.style.fontSize = '200%'")
        base = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert base >= 32, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide[path] = phone.evaluate("""() => [...document.querySelectorAll('main *, header *, nav *, footer *')]
                .filter(el => el.getBoundingClientRect().right > 361).slice(0, 3)
                .map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))""")
    assert wide == {}
