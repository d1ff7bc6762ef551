"""At 360x740 in Korean: the header shows unread notifications, and a report names its place."""

import os

import pytest

pytestmark = pytest.mark.e2e


def _shot(page, tmp_path, name):
    folder = os.environ.get("E2E_SCREENSHOTS") or str(tmp_path)
    page.screenshot(path=os.path.join(folder, name), full_page=False)


def test_header_badge_and_a_named_place_on_a_phone(live_app, live_server, phone, tmp_path):
    with live_app.app_context():
        from civic.accounts.seed import seed as seed_departments
        from civic.db import unit_of_work
        from civic.extensions import db
        from civic.notifications import service as notifications
        from civic.reports import service as reports
        from civic.reports.seed import seed
        from tests.factories import make_user

        seed_departments()
        seed()
        user = make_user(email="mapper@example.org")
        report = reports.create_report(service_code="pothole", location=reports.resolve_location(37.541, 126.84),
                                       reporter=user, description="도로가 파였습니다.", attributes={"SIZE": "large"})
        with unit_of_work():
            for n in range(3):
                notifications.notify(user, "report", f"신고 처리 소식 {n + 1}")
        report_id = report.id
        db.session.remove()
    phone.goto(live_server + "/login")
    phone.get_by_label("이메일").fill("mapper@example.org")
    phone.get_by_label("비밀번호").fill("correct horse battery")
    phone.get_by_role("button", name="로그인").click()
    phone.goto(live_server + f"/reports/{report_id}")
    badge = phone.locator("header .top-notes .badge")
    assert badge.inner_text() == "3"
    assert badge.is_visible()
    box = badge.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360      # inside the phone's width
    assert "강서구 화곡동 부근" in phone.locator("main").inner_text()
    assert "37.541" not in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(phone, tmp_path, "header-badge-report.png")
    phone.locator("header .top-notes").click()
    assert phone.url.endswith("/notifications")


def test_large_text_enlarges_badges_source_lines_and_headings(live_app, live_server, phone, tmp_path):
    with live_app.app_context():
        from civic.accounts.seed import seed as seed_departments
        from civic.extensions import db
        from civic.reports import service as reports
        from civic.reports.seed import seed
        from tests.factories import make_user

        seed_departments()
        seed()
        report = reports.create_report(service_code="pothole", location=reports.resolve_location(37.541, 126.84),
                                       reporter=make_user(), description="도로가 파였습니다.",
                                       attributes={"SIZE": "large"})
        path = f"/reports/{report.id}"
        db.session.remove()
    sizes = """() => Object.fromEntries(['main h1', 'main .status', 'footer .small', 'main dt'].map(
        s => [s, parseFloat(getComputedStyle(document.querySelector(s)).fontSize)]))"""
    phone.goto(live_server + path)
    normal = phone.evaluate(sizes)
    phone.goto(f"{live_server}/display/large")
    phone.goto(live_server + path)
    large = phone.evaluate(sizes)
    for selector, size in normal.items():
        assert large[selector] >= 1.2 * size, (selector, size, large[selector])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(phone, tmp_path, "large-text-report.png")
