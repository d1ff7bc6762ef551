"""Proposals under review as a staff desk table: sortable, filters in the URL, marked rows, CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from civic.db import unit_of_work, utcnow
from civic.errors import Conflict, Forbidden, ValidationFailed
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


def test_proposals_under_review_get_an_assignee_and_sort_by_it(app, client, departments, db, monkeypatch):
    from civic.audit import AuditEntry
    from civic.participation.models import Proposal

    monkeypatch.setitem(app.config, "PROPOSAL_SUPPORT_THRESHOLD", 1)
    made = []
    for title in ("공원 벤치를 늘려 주세요", "공원 화장실을 고쳐 주세요", "산책로 조명을 밝혀 주세요"):
        proposal = make_proposal(category="parks", title=title)
        service.support(make_user(), proposal.id)
        made.append(proposal)
    kim = make_user("staff", department="PARKS", name="김공원")
    lee = make_user("staff", department="PARKS", name="이공원")
    roads = make_user("staff", department="ROADS", name="최도로")
    login(client, kim.email)

    page = client.get(f"/staff/participation/proposals/{made[0].id}", headers=EN).get_data(as_text=True)
    assert f'<option value="{lee.id}" >이공원</option>' in page and "최도로" not in page
    client.post(f"/staff/participation/proposals/{made[0].id}/assign", data={"user": lee.id})
    client.post(f"/staff/participation/proposals/{made[1].id}/assign", data={"user": kim.id})
    db.session.expire_all()
    assert [db.session.get(Proposal, p.id).assignee_id for p in made] == [lee.id, kim.id, None]
    assert db.session.query(AuditEntry).filter_by(action="proposal.assign").count() == 2

    html = client.get("/staff/participation/review?sort=assignee", headers=EN).get_data(as_text=True)
    assert ids(html) == [made[1].id, made[0].id, made[2].id]                  # 김, 이, nobody last
    assert '<span class="c-assignee" data-sort="ascending">' in html
    assert ids(client.get("/staff/participation/review?sort=-assignee").get_data(as_text=True)) == [
        made[0].id, made[1].id, made[2].id]
    body = client.get("/staff/participation/review/export.csv?sort=assignee", headers=EN).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][5] == "Assignee" and [r[5] for r in rows[1:]] == ["김공원", "이공원", ""]

    client.post("/logout")
    login(client, roads.email)
    refused = client.post(f"/staff/participation/proposals/{made[2].id}/assign", data={"user": roads.id})
    assert refused.status_code == 403
    # Only a staff member of the department, assigned by the department.
    with pytest.raises(ValidationFailed):
        service.assign_proposal(kim, made[2].id, roads.id)
    with pytest.raises(Forbidden):
        service.assign_proposal(roads, made[2].id, kim.id)
    service.respond(kim, made[1].id, "accepted", "벤치를 열 개 더 놓겠습니다.")
    with pytest.raises(Conflict):
        service.assign_proposal(kim, made[1].id, lee.id)
    assert service.assign_proposal(kim, made[0].id, "").assignee is None


def test_review_desk_filters_by_assignee_in_the_url_and_the_export(app, client, departments, monkeypatch):
    monkeypatch.setitem(app.config, "PROPOSAL_SUPPORT_THRESHOLD", 1)
    made = []
    for title in ("공원 벤치를 늘려 주세요", "공원 화장실을 고쳐 주세요", "산책로 조명을 밝혀 주세요"):
        proposal = make_proposal(category="parks", title=title)
        service.support(make_user(), proposal.id)
        made.append(proposal)
    kim = make_user("staff", department="PARKS", name="김공원")
    lee = make_user("staff", department="PARKS", name="이공원")
    service.assign_proposal(kim, made[0].id, kim.id)
    service.assign_proposal(kim, made[1].id, lee.id)
    login(client, kim.email)

    html = client.get("/staff/participation/review?assignee=me", headers=EN).get_data(as_text=True)
    assert ids(html) == [made[0].id]
    assert '<option value="me" selected>' in html
    assert 'href="/staff/participation/review?assignee=me&amp;sort=district"' in html   # sorting keeps it
    assert 'href="/staff/participation/review/export.csv?assignee=me"' in html
    assert ids(client.get("/staff/participation/review?assignee=none").get_data(as_text=True)) == [made[2].id]
    assert sorted(ids(client.get("/staff/participation/review?assignee=").get_data(as_text=True))) == [
        p.id for p in made]
    assert client.get("/staff/participation/review?assignee=someone").status_code == 400

    def exported(query: str) -> list[int]:
        body = client.get(f"/staff/participation/review/export.csv?{query}", headers=EN).get_data(as_text=True)
        return [int(r[0]) for r in list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]]

    assert exported("assignee=me") == [made[0].id]
    assert exported("assignee=none") == [made[2].id]
    assert sorted(exported("")) == [p.id for p in made]
