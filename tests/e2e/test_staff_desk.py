"""Browser, 1280x800, keyboard only: the staff desk view, assigning from the queue and answering
with a department's answer template."""

from __future__ import annotations

from datetime import timedelta

import pytest

from civic.db import unit_of_work, utcnow
from civic.extensions import db
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(live_app):
    with live_app.app_context():
        from civic.petitions import answer_templates, service
        from civic.petitions.seed import seed

        seed()
        citizen = make_user(email="citizen@example.org", name="김민원")
        staff = make_user("staff", "PARKS", email="parks@example.org", name="박공원")
        make_user("staff", "PARKS", email="parks2@example.org", name="최녹지")
        filed = [service.file_petition(citizen, type_code="parks", title=title, body="현장을 봐 주세요.",
                                       district=district)
                 for title, district in (("벤치가 부서졌어요", "11110"), ("분수대 물이 안 나와요", "11680"),
                                         ("산책로 가로등 고장", "11440"))]
        with unit_of_work():
            filed[0].due_at = utcnow() - timedelta(hours=2)          # overdue
            filed[1].due_at = utcnow() + timedelta(hours=1)          # due soon
        answer_templates.create(staff, "수리 완료 안내",
                                "{name}님, 접수번호 {receipt_no} 민원의 시설을 수리했습니다. 감사합니다.")
        receipts = [p.receipt_no for p in filed]
        db.session.remove()
    return receipts


def press_tab_until(page, selector: str, limit: int = 80) -> None:
    """Tab through the page (keyboard only) until ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never got the focus")


def test_staff_desk_by_keyboard(live_server, browser, desk):
    overdue, due_soon, later = desk
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    page = context.new_page()
    page.goto(live_server + "/login")
    press_tab_until(page, "#email")
    page.keyboard.type("parks@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto(live_server + "/staff/petitions")
    # A dense table: one row per line, the columns side by side, the header sortable.
    rows = page.locator("li[data-row]")
    assert rows.count() == 3
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert first["height"] < 48 and second["y"] - first["y"] < 48
    assert page.locator(".desk-head").is_visible()
    assert "overdue" in rows.nth(0).get_attribute("class") and "due-soon" in rows.nth(1).get_attribute("class")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path="/tmp/staff-desk-1280.png")
    page.set_viewport_size({"width": 1024, "height": 768})          # the narrowest desk: no sideways scroll
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    assert page.locator(".desk-head").is_visible()
    page.screenshot(path="/tmp/staff-desk-1024.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    # j moves down, k up; x selects the current row for bulk assignment.
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.closest('li').querySelector('.receipt').textContent") == overdue
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.closest('li').querySelector('.receipt').textContent") == due_soon
    page.keyboard.press("x")
    assert page.locator(f"#pick-{due_soon}").is_checked()
    press_tab_until(page, "#bulk-user")
    page.keyboard.press("ArrowDown")                   # the first staff member
    press_tab_until(page, ".bulk button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "민원 1건을 배정했습니다" in page.locator(".flashes").inner_text()
    assigned_row = page.locator("li[data-row]", has=page.locator(f"text={due_soon}"))
    assert assigned_row.locator(".c-assignee").inner_text().strip() in ("박공원", "최녹지")

    # Sort by district with the column header, by keyboard, and open the first row with Enter.
    press_tab_until(page, ".desk-head .c-district a")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "sort=district" in url)
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: f"/staff/petitions/{overdue}" in url)   # 11110 (종로구) sorts first

    # Answer with the department's template: choose it, use it, send.
    press_tab_until(page, "#template")
    press_tab_until(page, ".template-pick button")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "template=" in url)
    body = page.locator("#answer-body").input_value()
    assert body == f"김민원님, 접수번호 {overdue} 민원의 시설을 수리했습니다. 감사합니다."
    press_tab_until(page, "form[action$='/answer'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "민원인에게 답변을 보냈습니다" in page.locator(".flashes").inner_text()
    audit = page.locator(".audit").inner_text()
    assert "박공원 (직원, 공원녹지정책과)" in audit
    page.screenshot(path="/tmp/staff-desk-answered-1280.png", full_page=True)
    context.close()


def test_the_phone_keeps_its_list(live_server, phone, desk):
    phone.goto(live_server + "/login")
    phone.get_by_label("이메일").fill("parks@example.org")
    phone.get_by_label("비밀번호").fill(PASSWORD)
    phone.get_by_role("button", name="로그인").click()
    phone.goto(live_server + "/staff/petitions")
    assert not phone.locator(".desk-head").is_visible()
    assert not phone.locator("li[data-row] .c-received").first.is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/staff-desk-phone.png", full_page=True)


def test_the_desk_pages_pass_axe(live_server, browser, desk):
    from tests.e2e.conftest import AXE, axe_violations

    if not AXE.exists():
        pytest.skip("axe-core is not installed (make browser installs it)")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR", bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + "/login")
    page.fill("#email", "parks@example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    for path in ("/staff/petitions", "/staff/petitions?sort=-district", "/staff/reports",
                 "/staff/participation/review", "/staff/petitions/answer-templates",
                 f"/staff/petitions/{desk[0]}", "/staff/petitions/answer-templates/new"):
        page.goto(live_server + path)
        assert axe_violations(page) == [], path
    context.close()


def test_report_and_proposal_desks_show_the_assignee_column(live_server, live_app, browser, screenshots):
    """1280×800: the report desk's assignee column lines up under its header, sorted by name."""
    from civic.reports import handling
    from civic.reports import service as reports
    from civic.reports.seed import seed as seed_reports

    with live_app.app_context():
        seed_reports()
        citizen = make_user(email="citizen@example.org")
        kim = make_user("staff", "ROADS", email="roads@example.org", name="김도로")
        lee = make_user("staff", "ROADS", email="roads2@example.org", name="남궁도로")
        made = [reports.create_report(service_code="pothole", location=reports.resolve_location(37.5125, 127.059),
                                      reporter=citizen, attributes={"SIZE": "small"}) for _ in range(3)]
        handling.assign_report(kim, made[0], lee.id)
        handling.assign_report(kim, made[1], kim.id)
        ids = [r.id for r in made]
        db.session.remove()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ko-KR")
    page = context.new_page()
    page.goto(live_server + "/login")
    page.fill("#email", "roads@example.org")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.goto(live_server + "/staff/reports?sort=assignee")
    header = page.locator(".desk-head .c-assignee")
    assert header.inner_text().startswith("담당자")
    cells = page.locator("li[data-row] .c-assignee")
    assert cells.all_inner_texts() == ["김도로", "남궁도로", ""]
    # The name is shown whole (not cut to "남궁도…"); the department is in its tooltip.
    assert all(cell.evaluate("(el) => el.scrollWidth <= el.clientWidth") for cell in cells.all())
    assert cells.nth(1).get_attribute("title") == "남궁도로 · 도로관리과"
    left = header.bounding_box()["x"]
    assert all(abs(cell.bounding_box()["x"] - left) < 1 for cell in cells.all()[:2])
    assert page.locator("li[data-row] .c-receipt").all_inner_texts() == [f"#{ids[1]}", f"#{ids[0]}", f"#{ids[2]}"]
    page.screenshot(path=str(screenshots / "report-desk-1280.png"))
    context.close()
