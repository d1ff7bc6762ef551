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
