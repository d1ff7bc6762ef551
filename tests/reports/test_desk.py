"""The report queue as a staff desk: sortable columns, filters in the URL, overdue and due-soon
rows marked, 100 rows a screen, a CSV of the current view with formulas neutralised."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from civic.db import unit_of_work, utcnow
from tests.conftest import login
from tests.factories import make_user
from tests.reports.conftest import GANGNAM, JONGNO, file_report

EN = {"Accept-Language": "en"}


def numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="desk-only c-receipt">#(\d+)</span>', html)]


def test_report_desk_sorts_filters_marks_and_exports(client, catalog):
    reporter = make_user()
    gangnam = file_report(reporter, description="=HYPERLINK(\"http://evil.example\")")
    jongno = file_report(reporter, point=JONGNO)
    late = file_report(reporter, point=GANGNAM)
    with unit_of_work():
        late.expected_at = utcnow() - timedelta(hours=1)
        jongno.expected_at = utcnow() + timedelta(hours=2)
        gangnam.expected_at = utcnow() + timedelta(days=3)
    staff = make_user("staff", department="ROADS")
    login(client, staff.email)
    html = client.get("/staff/reports", headers=EN).get_data(as_text=True)
    assert numbers(html) == [late.id, jongno.id, gangnam.id]                 # newest first
    assert '<li class="report-item overdue" data-row>' in html
    assert '<li class="report-item due-soon" data-row>' in html
    assert "js/desk.js" in html and "css/desk.css" in html
    assert numbers(client.get("/staff/reports?sort=due", headers=EN).get_data(as_text=True)) == [
        late.id, jongno.id, gangnam.id]
    assert numbers(client.get("/staff/reports?sort=-due", headers=EN).get_data(as_text=True)) == [
        gangnam.id, jongno.id, late.id]
    html = client.get("/staff/reports?district=11680&sort=due", headers=EN).get_data(as_text=True)
    assert numbers(html) == [late.id, gangnam.id]
    assert 'href="/staff/reports?district=11680&amp;sort=-due"' in html          # header turns the sort round
    assert 'href="/staff/reports/export.csv?district=11680&amp;sort=due"' in html
    assert client.get("/staff/reports?sort=colour").status_code == 400
    body = client.get("/staff/reports/export.csv?district=11680&sort=due", headers=EN).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Number", "Problem", "Status"]
    assert [int(r[0]) for r in rows[1:]] == [late.id, gangnam.id]


def test_report_desk_neutralises_formulas_in_the_export(client, catalog):
    reporter = make_user()
    file_report(reporter, point=None, address="=cmd|' /C calc'!A0")
    login(client, make_user("admin").email)
    body = client.get("/staff/reports/export.csv?status=all", headers=EN).get_data(as_text=True)
    assert "'=cmd|" in body and ",=cmd" not in body


def assignee_of(db, report) -> int | None:
    from civic.reports.models import Report

    db.session.expire_all()
    return db.session.get(Report, report.id).assignee_id


def assignees(html: str) -> list[str]:
    return re.findall(r'<span class="desk-only c-assignee"[^>]*>([^<]*)</span>', html)


def test_reports_get_an_assignee_of_their_department_and_sort_by_it(client, catalog, db):
    from civic.audit import AuditEntry
    from civic.notifications.models import Notification

    reporter = make_user()
    first, second, third = (file_report(reporter) for _ in range(3))
    kim = make_user("staff", department="ROADS", name="김도로")
    lee = make_user("staff", department="ROADS", name="이도로")
    parks = make_user("staff", department="PARKS", name="박공원")
    login(client, kim.email)

    detail = client.get(f"/reports/{first.id}", headers=EN).get_data(as_text=True)
    assert f'<option value="{lee.id}" >이도로</option>' in detail and "박공원" not in detail
    response = client.post(f"/staff/reports/{first.id}/assign", data={"user": lee.id})
    assert response.status_code == 302 and response.headers["Location"] == f"/reports/{first.id}"
    client.post(f"/staff/reports/{second.id}/assign", data={"user": kim.id})
    assert (assignee_of(db, first), assignee_of(db, second)) == (lee.id, kim.id)
    entry = db.session.query(AuditEntry).filter_by(action="report.assign", subject_id=str(first.id)).one()
    assert entry.actor_id == kim.id and entry.detail["assignee_id"] == lee.id
    # The assignee is told (not the one who took a report for themselves).
    assert [n.user_id for n in db.session.query(Notification).filter_by(kind="report_staff")] == [lee.id]

    # Another department's staff cannot be assigned, nor assign.
    refused = client.post(f"/staff/reports/{third.id}/assign", data={"user": parks.id}, headers=EN)
    assert refused.status_code == 302
    assert "Choose a staff member of the handling department." in client.get(
        f"/reports/{third.id}", headers=EN).get_data(as_text=True)
    client.post("/logout")
    login(client, parks.email)
    assert client.post(f"/staff/reports/{first.id}/assign", data={"user": ""}).status_code == 403
    assert assignee_of(db, first) == lee.id
    client.post("/logout")
    login(client, kim.email)

    html = client.get("/staff/reports?sort=assignee", headers=EN).get_data(as_text=True)
    assert numbers(html) == [second.id, first.id, third.id]          # 김, 이, nobody last
    assert assignees(html) == ["김도로", "이도로", ""]
    assert '<span class="c-assignee" data-sort="ascending"><a href="/staff/reports?sort=-assignee">' in html
    assert numbers(client.get("/staff/reports?sort=-assignee").get_data(as_text=True)) == [
        first.id, second.id, third.id]
    body = client.get("/staff/reports/export.csv?sort=assignee", headers=EN).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][6] == "Assignee" and [r[6] for r in rows[1:]] == ["김도로", "이도로", ""]

    # Unassigned again, and a transfer leaves the new department to choose its own.
    client.post(f"/staff/reports/{second.id}/assign", data={"user": ""})
    assert assignee_of(db, second) is None
    client.post(f"/staff/reports/{first.id}/transfer", data={"department_code": "PARKS", "reason": "공원 안입니다"})
    assert assignee_of(db, first) is None


def test_every_desk_header_comes_from_one_macro(app, client, catalog, monkeypatch):
    """Petitions, reports and proposals: the same header row, each with an assignee column that sorts."""
    from civic.participation import service as participation
    from civic.petitions import service as petitions
    from civic.petitions.seed import seed
    from tests.participation.builders import make_proposal

    seed()
    citizen = make_user()
    petitions.file_petition(citizen, type_code="parks", title="놀이터 그네 고장", body="그네 줄이 끊어져 있습니다.")
    file_report(citizen)
    monkeypatch.setitem(app.config, "PROPOSAL_SUPPORT_THRESHOLD", 1)
    participation.support(make_user(), make_proposal().id)
    login(client, make_user("admin").email)
    for path in ("/staff/petitions", "/staff/reports", "/staff/participation/review"):
        html = client.get(path, headers=EN).get_data(as_text=True)
        head = re.search(r'<li class="desk-head">(.*?)</li>', html, re.S)
        assert head, path
        assert re.search(r'<span class="c-assignee" data-sort="none"><a href="[^"]*sort=assignee">Assignee</a>',
                         head.group(1)), path
        assert head.group(1).count('<span class="c-') >= 8, path


def test_report_desk_filters_by_assignee_in_the_url_and_the_export(client, catalog):
    from civic.reports import handling

    reporter = make_user()
    mine, theirs, nobodys = (file_report(reporter) for _ in range(3))
    kim = make_user("staff", department="ROADS", name="김도로")
    lee = make_user("staff", department="ROADS", name="이도로")
    handling.assign_report(kim, mine, kim.id)
    handling.assign_report(kim, theirs, lee.id)
    login(client, kim.email)

    html = client.get("/staff/reports?assignee=me&sort=received", headers=EN).get_data(as_text=True)
    assert numbers(html) == [mine.id]
    assert '<option value="me" selected>' in html
    assert 'href="/staff/reports?assignee=me&amp;sort=-received"' in html       # sorting keeps the filter
    assert 'href="/staff/reports/export.csv?assignee=me&amp;sort=received"' in html
    assert numbers(client.get("/staff/reports?assignee=none").get_data(as_text=True)) == [nobodys.id]
    assert numbers(client.get("/staff/reports?assignee=&sort=received").get_data(as_text=True)) == [
        mine.id, theirs.id, nobodys.id]                                          # anyone
    assert numbers(client.get(f"/staff/reports?assignee={lee.id}").get_data(as_text=True)) == [theirs.id]
    assert client.get("/staff/reports?assignee=someone").status_code == 400

    def exported(query: str) -> list[int]:
        body = client.get(f"/staff/reports/export.csv?{query}", headers=EN).get_data(as_text=True)
        return [int(r[0]) for r in list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]]

    assert exported("assignee=me") == [mine.id]
    assert exported("assignee=none") == [nobodys.id]
    assert sorted(exported("")) == [mine.id, theirs.id, nobodys.id]
