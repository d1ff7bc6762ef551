"""A citizen on a phone votes in a poll and supports a proposal, with CSRF on and no help from JS."""

import pytest

from civic.extensions import db
from tests.e2e.conftest import sign_up_confirmed
from tests.factories import make_user
from tests.participation.builders import make_poll, make_proposal

pytestmark = pytest.mark.e2e


@pytest.fixture
def content(live_app):
    with live_app.app_context():
        staff = make_user("staff", department="CITIZEN-COMM")
        poll = make_poll(staff, question_ko="지하철 막차 시간을 연장할까요?", options=("찬성", "반대"))
        proposal = make_proposal(staff=staff, title="동네 도서관 운영시간을 늘려 주세요")
        ids = poll.id, proposal.id
        db.session.remove()
    return ids


def test_vote_and_support_on_a_phone(live_server, phone, content, mailbox):
    sign_up_confirmed(phone, live_server, mailbox, "voter@example.org")

    phone.goto(live_server + "/participate")
    phone.get_by_role("link", name="정책 투표").click()
    phone.get_by_role("link", name="지하철 막차 시간을 연장할까요?").click()
    assert "투표하면 결과를 볼 수 있습니다." in phone.locator("main").inner_text()
    choice = phone.locator("label.choice", has_text="반대")
    assert choice.bounding_box()["height"] >= 44
    choice.click()
    vote = phone.get_by_role("button", name="투표하기")
    assert vote.bounding_box()["height"] >= 44
    vote.click()
    assert "투표가 반영되었습니다" in phone.locator(".flashes").inner_text()
    results = phone.locator("#results").inner_text()
    assert "총 투표 수: 1" in results and "1표, 100.0%" in results and "내 선택" in results
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.goto(live_server + "/proposals?sort=near_threshold")
    phone.get_by_role("link", name="동네 도서관 운영시간을 늘려 주세요").click()
    assert "공감 0 / 50" in phone.locator("#support").inner_text()
    phone.get_by_role("button", name="이 제안에 공감하기").click()
    assert "공감해 주셔서 감사합니다" in phone.locator(".flashes").inner_text()
    support = phone.locator("#support").inner_text()
    assert "공감 1 / 50" in support and "공감 취소" in support
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
