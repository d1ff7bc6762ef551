"""Browser: a device linked on the account page gets the petition's answer as a push (through the
loopback push service, which decrypts it), and /stats draws its charts and tables on a phone."""

import json
import time

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from tests.conftest import wait_for
from tests.e2e.conftest import axe_violations, sign_in
from tests.e2e.test_alerts import FAKE_PUSH_MANAGER
from tests.factories import make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(live_app):
    from civic.petitions import service
    from civic.petitions.seed import seed

    with live_app.app_context():
        seed()
        citizen = make_user(email="citizen@example.org")
        make_user(email="neighbour@example.org")
        make_user("staff", "PARKS", email="parks@example.org")
        receipt = service.file_petition(citizen, type_code="parks", title="놀이터 그네 고장",
                                        body="그네 줄이 끊어져 있습니다.").receipt_no
        db.session.remove()
    return receipt


def test_a_linked_phone_gets_the_answer_as_a_push(live_server, live_app, browser, phone, push_service, people):
    receipt = people
    device = push_service.new_device()
    stranger = push_service.new_device()
    phone.context.grant_permissions(["notifications"], origin=live_server)
    phone.add_init_script(FAKE_PUSH_MANAGER % json.dumps(push_service.subscription(device)))
    sign_in(phone, live_server, "citizen@example.org")
    phone.goto(live_server + "/account/devices")
    assert "계정에 연결된 기기가 없습니다" in phone.locator("main").inner_text()
    phone.get_by_role("button", name="이 기기로 내 알림 받기").click()
    expect(phone.locator("#device-list")).to_be_visible(timeout=15000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # Someone else's phone is linked to another account: it must get nothing.
    with live_app.app_context():
        from civic.accounts.service import find_user_by_email
        from civic.notifications import devices

        devices.link_device(find_user_by_email("neighbour@example.org"), push_service.subscription(stranger))
        db.session.remove()

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ko-KR")
    staff = context.new_page()
    sign_in(staff, live_server, "parks@example.org")
    staff.goto(f"{live_server}/staff/petitions/{receipt}")
    staff.get_by_label("답변", exact=True).fill("그네를 교체했습니다.")
    staff.get_by_role("button", name="답변 보내기").click()
    assert "민원인에게 답변을 보냈습니다" in staff.locator(".flashes").inner_text()
    context.close()

    wait_for(lambda: device.received)
    time.sleep(0.5)
    assert push_service.errors == []
    assert len(device.received) == 1 and stranger.received == []
    push = device.received[0]
    assert push["url"] == f"/petitions/{receipt}" and receipt in push["title"] and "답변" in push["title"]
    assert "그네" not in json.dumps(push, ensure_ascii=False)  # no petition text in the payload


@pytest.fixture
def city_year(live_app, people):
    """A year of petitions and reports, loaded around the ORM as an import would be, then counted
    into the aggregates by ``flask stats rebuild`` (the documented path for bulk data)."""
    import random
    from datetime import timedelta

    from sqlalchemy import insert, select

    from civic.accounts.models import Department, User
    from civic.db import utcnow
    from civic.geo import all_districts
    from civic.petitions.models import Petition, PetitionType
    from civic.reports.models import Report, Service
    from civic.reports.seed import seed as seed_reports
    from civic.stats.rebuild import rebuild

    rng, now = random.Random(16), utcnow()
    with live_app.app_context():
        seed_reports()
        user = db.session.scalar(select(User.id).limit(1))
        types = list(db.session.execute(select(PetitionType.id, PetitionType.department_id)))
        departments = list(db.session.scalars(select(Department.id)))
        services = list(db.session.scalars(select(Service.id)))
        districts = [d.code for d in all_districts()]
        petitions, reports = [], []
        for i in range(1500):
            created = now - timedelta(days=rng.uniform(0, 365))
            type_id, department_id = rng.choice(types[:6])
            answered = created + timedelta(hours=rng.expovariate(1 / 110))
            petitions.append({"receipt_no": f"E{i:09d}", "type_id": type_id, "petitioner_id": user, "title": "t",
                              "body": "b", "status": "answered" if answered < now else "received",
                              "department_id": department_id, "due_at": created + timedelta(days=9),
                              "answered_at": answered if answered < now else None, "created_at": created,
                              "contact_preference": "in_app"})
            status = rng.choices(("open", "in_progress", "closed"), (1, 1, 4))[0]
            reports.append({"service_id": rng.choice(services[:8]), "lat": 37.55, "lon": 126.99, "address": "",
                            "district_code": rng.choice(districts[:18] * 3 + districts), "description": "",
                            "attributes": {}, "status": status,
                            "close_reason": "fixed" if status == "closed" else None,
                            "department_id": rng.choice(departments), "contact": {}, "token": f"e{i:011d}",
                            "created_at": created,
                            "updated_at": min(now, created + timedelta(days=rng.expovariate(.3)))})
        db.session.execute(insert(Petition), petitions)
        db.session.execute(insert(Report), reports)
        db.session.commit()
        rebuild()
        db.session.remove()


def test_stats_draws_charts_and_tables_on_a_phone(live_server, live_app, a11y_phone, city_year, screenshots):
    page = a11y_phone
    page.goto(live_server + "/stats")
    assert page.locator("h1").inner_text() == "열린 민원 통계"
    assert page.locator("svg.chart").count() == 4
    assert page.locator("table.stats").count() >= 6
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshots / "stats.png"))
    page.screenshot(path=str(screenshots / "stats-full.png"), full_page=True)
    assert axe_violations(page) == []
    page.goto(live_server + "/stats?days=365")
    assert page.locator(".windows a[aria-current=page]").inner_text() == "최근 365일"
    assert axe_violations(page) == []
    page.goto(f"{live_server}/lang/en")
    page.goto(live_server + "/stats")
    assert page.locator("h1").inner_text() == "Open petition statistics"
    assert axe_violations(page) == []


def test_devices_page_passes_axe(live_server, a11y_phone, people):
    sign_in(a11y_phone, live_server, "citizen@example.org")
    a11y_phone.goto(live_server + "/account/devices")
    assert axe_violations(a11y_phone) == []


# For every column heading of the /stats tables: the parenthesised parts ("(중앙값)") whose text
# is laid out on more than one line (Range.getClientRects gives one box per line).
SPLIT_PARENTHESES = """() => {
  const split = [];
  for (const th of document.querySelectorAll("table.stats thead th")) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    const chars = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
    const text = chars.map(([node, i]) => node.data[i]).join("");
    for (let open = text.indexOf("("); open >= 0; open = text.indexOf("(", open + 1)) {
      const close = text.indexOf(")", open);
      if (close < 0) break;
      const range = document.createRange();
      range.setStart(...chars[open]);
      range.setEnd(chars[close][0], chars[close][1] + 1);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
      if (lines.size > 1) split.push(text.slice(open, close + 1) + " in " + text);
    }
  }
  return split;
}"""

# Each sideways-scrolling table region: does it overflow, and is its caption shown?
SCROLL_REGIONS = """() => [...document.querySelectorAll(".table-scroll")].map(region => {
  const hint = region.previousElementSibling;
  return {id: region.getAttribute("aria-labelledby"), overflows: region.scrollWidth > region.clientWidth + 1,
          hint: hint && hint.classList.contains("scroll-hint") && hint.checkVisibility() ? hint.innerText : null,
          shadow: getComputedStyle(region).backgroundImage.includes("gradient")};
})"""


def test_wide_tables_say_they_scroll_and_headings_keep_parentheses_whole(live_server, phone, city_year,
                                                                          screenshots):
    """At 360 px a table wider than the screen is marked (a shadow on the hidden edge and
    "좌우로 밀어 더 보기"), the others are not; no heading breaks inside "(중앙값)" (issue 21)."""
    page = phone
    for large in (False, True):
        if large:
            page.context.add_cookies([{"name": "display", "value": "large", "url": live_server}])
        page.goto(live_server + "/stats")
        regions = page.evaluate(SCROLL_REGIONS)
        assert {r["id"] for r in regions} == {"petitions-caption", "types-caption", "proposals-caption"}
        assert any(r["overflows"] for r in regions), regions
        for region in regions:
            assert region["hint"] == ("좌우로 밀어 더 보기" if region["overflows"] else None), region
            assert region["shadow"]
        headings = page.locator("table.stats thead th").all_inner_texts()
        assert sum("(" in h for h in headings) >= 2, headings
        assert page.evaluate(SPLIT_PARENTHESES) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # A wide table, its caption and shadowed edge, then the end reached by swiping.
        name = "stats-wide-table-360" + ("-large" if large else "")
        page.locator("#petitions-caption-hint").evaluate("hint => hint.scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -16)")
        page.screenshot(path=str(screenshots / f"{name}.png"))
        page.locator(".table-scroll[aria-labelledby=petitions-caption]").evaluate(
            "region => region.scrollLeft = region.scrollWidth")
        page.screenshot(path=str(screenshots / f"{name}-end.png"))
