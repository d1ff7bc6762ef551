"""A signed-in person sees their unread notifications in the header of every page, and their
newest petition answer on the home page."""

from __future__ import annotations

import re

from civic.db import unit_of_work
from civic.notifications import service
from tests.conftest import login
from tests.factories import make_user


def _badge(html: str) -> str | None:
    match = re.search(r'class="top-notes"[^>]*>.*?<span class="badge"[^>]*>(\d+\+?)</span>', html, re.S)
    return match.group(1) if match else None


def test_header_counts_unread_notifications_on_every_page(client, departments):
    user = make_user(email="reader@example.org")
    login(client, "reader@example.org")
    assert _badge(client.get("/").get_data(as_text=True)) is None          # nothing unread: no badge
    with unit_of_work():
        for n in range(3):
            service.notify(user, "petition", f"Update {n}")
    for path in ("/", "/places", "/petitions", "/account"):
        html = client.get(path, headers={"Accept-Language": "ko"}).get_data(as_text=True)
        assert _badge(html) == "3", path
        assert "읽지 않은 알림 3개" in html
    service.mark_read(user)
    assert _badge(client.get("/").get_data(as_text=True)) is None


def test_anonymous_pages_have_no_notification_link(client):
    assert 'class="top-notes"' not in client.get("/").get_data(as_text=True)


def test_home_shows_the_newest_petition_answer(client, departments):
    from civic.petitions import service as petitions
    from civic.petitions import triage
    from civic.petitions.seed import seed

    seed()
    citizen = make_user(email="citizen@example.org")
    staff = make_user("staff", "PARKS")
    older = petitions.file_petition(citizen, type_code="parks", title="Broken bench", body="Please fix.")
    newer = petitions.file_petition(citizen, type_code="parks", title="Dark path", body="Please light it.")
    login(client, "citizen@example.org")
    assert "Dark path" not in client.get("/").get_data(as_text=True)
    triage.answer(staff, older.receipt_no, "Repaired.")
    triage.answer(staff, newer.receipt_no, "Lights installed.")
    html = client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "최근 민원 답변" in html and "Dark path" in html and f"/petitions/{newer.receipt_no}" in html
