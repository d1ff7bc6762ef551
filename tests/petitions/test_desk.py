"""Triage without dead ends: the staff desk (sorting, filters in the URL, 100 rows, CSV of the
current view), departments without staff, the audit trail's actor, required fields on the form."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from civic.audit import AuditEntry
from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.petitions import triage
from civic.petitions.models import Petition
from tests.conftest import login
from tests.factories import bearer
from tests.petitions.conftest import file

EN = {"Accept-Language": "en"}
NO_STAFF_KO = "이 부서에 배정할 직원이 없습니다: 이송하거나 직원을 등록하세요"


def receipts_in(html: str) -> list[str]:
    return re.findall(r'<span class="receipt c-receipt">([^<]+)</span>', html)


def test_queue_sorts_by_each_column_and_keeps_filters_in_the_url(client, people):
    a = file(people.citizen, title="Gangnam", district="11680")
    b = file(people.citizen, title="Jongno", district="11110")
    c = file(people.citizen, title="Nowhere")
    triage.assign(people.staff, b.receipt_no, people.colleague.id)     # "Second Parks"
    triage.assign(people.staff, c.receipt_no, people.staff.id)         # "Park Staff"
    login(client, "parks@example.org")
    html = client.get("/staff/petitions?sort=district", headers=EN).get_data(as_text=True)
    assert receipts_in(html) == [b.receipt_no, a.receipt_no, c.receipt_no]    # 11110, 11680, none last
    assert receipts_in(client.get("/staff/petitions?sort=assignee", headers=EN).get_data(as_text=True)) == [
        c.receipt_no, b.receipt_no, a.receipt_no]
    assert receipts_in(client.get("/staff/petitions?sort=-received", headers=EN).get_data(as_text=True)) == [
        c.receipt_no, b.receipt_no, a.receipt_no]
    status_sorted = receipts_in(client.get("/staff/petitions?sort=status", headers=EN).get_data(as_text=True))
    assert status_sorted[0] in (b.receipt_no, c.receipt_no) and status_sorted[-1] == a.receipt_no
    # The column headers sort, keep the other filters, and turn a sorted column around.
    html = client.get("/staff/petitions?assignee=none&sort=due", headers=EN).get_data(as_text=True)
    assert 'data-sort="ascending"><a href="/staff/petitions?assignee=none&amp;sort=-due"' in html
    assert 'href="/staff/petitions?assignee=none&amp;sort=district"' in html
    assert receipts_in(html) == [a.receipt_no]
    assert client.get("/staff/petitions?sort=shoe", headers=EN).status_code == 400


def test_due_soon_and_overdue_rows_are_marked_and_a_screen_holds_100(client, people):
    filed = [file(people.citizen, title=f"Bench {i}") for i in range(102)]
    with unit_of_work():
        filed[0].due_at = utcnow() - timedelta(hours=1)
        filed[1].due_at = utcnow() + timedelta(minutes=30)
    login(client, "parks@example.org")
    html = client.get("/staff/petitions", headers=EN).get_data(as_text=True)
    assert len(receipts_in(html)) == 100 and "Page 1 of 2" in html
    assert html.count('<li class="overdue" data-row>') == 1
    assert html.count('<li class=" due-soon" data-row>') == 1
    assert "js/desk.js" in html and "css/desk.css" in html


def test_csv_export_is_the_current_view_with_formulas_neutralised(client, people):
    file(people.citizen, title="=HYPERLINK(\"http://evil.example\",\"click\")", district="11110")
    file(people.citizen, title="+1 bench", district="11680")
    file(people.citizen, title="@SUM(A1)", district="11680")
    file(people.citizen, title="-minus", district="11680")
    file(people.citizen, title="Plain bench", district="11680")
    login(client, "parks@example.org")
    html = client.get("/staff/petitions?district=11680&sort=-received", headers=EN).get_data(as_text=True)
    assert 'href="/staff/petitions/export.csv?district=11680&amp;sort=-received"' in html
    response = client.get("/staff/petitions/export.csv?district=11680&sort=-received", headers=EN)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Receipt number", "Title", "Status"]
    # Gangnam only (the filter), newest first (the order), every risky cell with a leading '.
    assert [r[1] for r in rows[1:]] == ["Plain bench", "'-minus", "'@SUM(A1)", "'+1 bench"]
    everything = client.get("/staff/petitions/export.csv", headers=EN).get_data(as_text=True)
    assert "'=HYPERLINK" in everything and '"=HYPERLINK' not in everything
    client.post("/logout")
    login(client, "roads@example.org")                     # another department sees none of them
    assert len(list(csv.reader(io.StringIO(client.get("/staff/petitions/export.csv").get_data(as_text=True))))) == 1


def test_a_department_without_staff_says_so_wherever_one_assigns(client, people):
    welfare = file(people.citizen, type_code="welfare", title="Care visit")
    parks = file(people.citizen, title="Bench")
    login(client, "admin@example.org")
    html = client.get("/staff/petitions/" + welfare.receipt_no).get_data(as_text=True)
    assert NO_STAFF_KO in html and 'name="assign-user"' not in html
    html = client.get("/staff/petitions?department=WELFARE").get_data(as_text=True)
    assert NO_STAFF_KO in html
    assert 'name="receipt_no"' not in html and 'id="bulk-user"' not in html     # no useless checkbox
    # The parks petition beside it can be selected and given to parks staff.
    html = client.get("/staff/petitions").get_data(as_text=True)
    assert f'value="{parks.receipt_no}"' in html and f'value="{welfare.receipt_no}"' not in html
    assert 'id="bulk-user"' in html and "Park Staff" in html
    response = client.post(f"/api/v1/staff/petitions/{welfare.receipt_no}/assign",
                           json={"user": people.staff.id}, headers={**bearer(people.admin), **EN})
    assert response.status_code == 422
    assert "no staff member in this department" in response.get_json()["errors"]["user"]


def test_bulk_assign_is_offered_to_admins_for_any_department_with_staff(client, people):
    first, second = file(people.citizen, title="One"), file(people.citizen, title="Two")
    login(client, "admin@example.org")
    response = client.post("/staff/petitions/bulk-assign", data={
        "receipt_no": [first.receipt_no, second.receipt_no], "user": str(people.colleague.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert {p.assignee_id for p in db.session.query(Petition)} == {people.colleague.id}


def test_the_audit_trail_records_the_actors_own_role_and_department(client, people):
    petition = file(people.citizen, title="Bench")
    login(client, "admin@example.org")
    client.get(f"/staff/petitions/{petition.receipt_no}")
    client.post("/logout")
    login(client, "parks@example.org")
    client.post(f"/staff/petitions/{petition.receipt_no}/assign", data={"assign-user": str(people.staff.id)})
    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    view, assign = entries[0], entries[-1]
    assert (view.actor_role, view.actor_department_id) == ("admin", None)
    assert view.department_id == petition.department_id                 # still the petition's
    assert (assign.actor_role, assign.actor_department_id) == ("staff", people.staff.department_id)
    html = client.get(f"/staff/petitions/{petition.receipt_no}", headers=EN).get_data(as_text=True)
    assert "(Administrator)" in html and "(Staff, Parks" in html
    trail = client.get(f"/api/v1/staff/petitions/{petition.receipt_no}/audit", headers=bearer(people.staff)).get_json()
    assert trail[0]["actor_role"] == "admin" and trail[0]["actor_department"] is None


@pytest.mark.parametrize(("type_code", "required"), [("road", True), ("parks", False)])
def test_the_form_marks_a_field_required_when_the_type_requires_it(client, people, type_code, required):
    login(client, "citizen@example.org")
    html = client.get(f"/petitions/new?type={type_code}").get_data(as_text=True)
    label = re.search(r'<label for="district">([^<]+)</label>', html).group(1)
    assert label == ("자치구 (필수)" if required else "자치구 (선택)")
    assert ('aria-required="true"' in html) is required
    assert '"road": ["location"]' in html                      # petitions.js relabels on change
