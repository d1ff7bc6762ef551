"""Proposals under review as a staff desk table: sortable, filters in the URL, marked rows, CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from civic.db import unit_of_work, utcnow
from civic.participation import service
from tests.conftest import login
from tests.factories import make_user
from tests.participation.builders import make_proposal, make_staff

EN = {"Accept-Language": "en"}


def ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="desk-only c-receipt">#(\d+)</span>', html)]


def test_review_desk(app, client, departments):
    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 1
    made = []
    for title, district in (("=HYPERLINK(\"http://evil.example\") 벤치를 늘려 주세요", "11680"),
                            ("공원 화장실을 고쳐 주세요", "11110"), ("산책로 조명을 밝혀 주세요", None)):
        proposal = make_proposal(category="parks", title=title, district_code=district)
        service.support(make_user(), proposal.id)
        made.append(proposal)
    with unit_of_work():
        made[0].response_due_at = utcnow() - timedelta(days=1)
        made[1].response_due_at = utcnow() + timedelta(days=2)
        made[2].response_due_at = utcnow() + timedelta(days=20)
    staff = make_staff("PARKS")
    login(client, staff.email)
    html = client.get("/staff/participation/review", headers=EN).get_data(as_text=True)
    assert ids(html) == [made[0].id, made[1].id, made[2].id]
    assert '<li class="overdue" data-row>' in html and '<li class=" due-soon" data-row>' in html
    assert "js/desk.js" in html
    assert ids(client.get("/staff/participation/review?sort=-due").get_data(as_text=True)) == [
        made[2].id, made[1].id, made[0].id]
    html = client.get("/staff/participation/review?sort=district", headers=EN).get_data(as_text=True)
    assert ids(html) == [made[1].id, made[0].id, made[2].id]                  # 11110, 11680, none
    assert 'href="/staff/participation/review/export.csv?sort=district"' in html
    assert ids(client.get("/staff/participation/review?district=11110").get_data(as_text=True)) == [made[1].id]
    assert client.get("/staff/participation/review?sort=size").status_code == 400
    body = client.get("/staff/participation/review/export.csv", headers=EN).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Number", "Title"] and rows[1][1].startswith("'=HYPERLINK")
    client.post("/logout")
    login(client, make_staff("ROADS").email)          # another department's staff see none of them
    assert ids(client.get("/staff/participation/review").get_data(as_text=True)) == []
