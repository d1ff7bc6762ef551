"""Pages: filing without JavaScript, my petitions, detail visibility, the staff console."""

from __future__ import annotations

import io
from datetime import timedelta

from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.petitions.models import Petition
from tests.conftest import login
from tests.petitions.conftest import file, png_bytes, upload

EN = {"Accept-Language": "en"}


def fresh(petition_id: int) -> Petition:
    """The petition as the pages left it (the test's own session may hold an older copy)."""
    db.session.expire_all()
    return db.session.get(Petition, petition_id)


def test_index_invites_anonymous_visitors_and_lists_mine(client, people):
    html = client.get("/petitions", headers=EN).get_data(as_text=True)
    assert "Sign in to file a petition" in html
    mine = file(people.citizen, title="My bench")
    file(people.other_citizen, title="Their bench")
    login(client, "citizen@example.org")
    html = client.get("/petitions", headers=EN).get_data(as_text=True)
    assert "My bench" in html and mine.receipt_no in html and "Their bench" not in html


def test_filing_form_without_javascript(client, people, tmp_path):
    assert client.get("/petitions/new").status_code == 302          # sign in first
    login(client, "citizen@example.org")
    page = client.get("/petitions/new", headers=EN).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "Parks and green spaces" in page
    response = client.post("/petitions/new", data={
        "type": "parks", "title": "Lamp out", "body": "The lamp by the pond is out.", "district": "11110",
        "contact_preference": "in_app", "attachments": [(io.BytesIO(png_bytes()), "lamp.png")],
    }, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 302
    petition = db.session.query(Petition).one()
    assert response.headers["Location"].startswith(f"/petitions/{petition.receipt_no}")
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Your petition was received" in html and petition.receipt_no in html
    assert "Lamp out" in html and "Answer due" in html
    # Korean by default.
    html = client.get(f"/petitions/{petition.receipt_no}").get_data(as_text=True)
    assert "접수번호" in html


def test_a_failed_filing_saves_nothing_and_keeps_the_input(client, people, tmp_path):
    login(client, "citizen@example.org")
    response = client.post("/petitions/new", data={
        "type": "road", "title": "Pothole", "body": "", "contact_preference": "phone",
        "attachments": [(io.BytesIO(png_bytes()), "ok.png"), (io.BytesIO(b"junk"), "bad.png")],
    }, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and 'value="Pothole"' in html
    assert "Describe your petition." in html
    assert db.session.query(Petition).count() == 0
    assert list((tmp_path / "uploads").iterdir()) == []
    # A bad photo alone (everything else fine) is also refused without leftovers.
    response = client.post("/petitions/new", data={
        "type": "parks", "title": "t", "body": "b", "contact_preference": "in_app",
        "attachments": [(io.BytesIO(png_bytes()), "ok.png"), (io.BytesIO(b"junk"), "bad.png")],
    }, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 422
    assert db.session.query(Petition).count() == 0 and list((tmp_path / "uploads").iterdir()) == []


def test_detail_page_visibility_matrix(app, people):
    petition = file(people.citizen, uploads=[upload()])
    url = f"/petitions/{petition.receipt_no}"
    photo = f"{url}/attachments/{petition.attachments[0].id}"
    for email, expected in (("citizen@example.org", 200), ("parks@example.org", 200),
                            ("parkshead@example.org", 200), ("admin@example.org", 200),
                            ("other@example.org", 404), ("roads@example.org", 404), (None, 404)):
        client = app.test_client()
        if email:
            login(client, email)
        assert client.get(url).status_code == expected, email
        assert client.get(photo).status_code == expected, email
        if email != "citizen@example.org":
            # Only the petitioner acts as the petitioner; for everyone else it does not exist.
            assert client.post(url + "/withdraw").status_code == 404, email
            assert client.post(url + "/rating", data={"rating-score": "5"}).status_code == 404, email
    assert fresh(petition.id).status == "received"


def test_withdraw_and_rate_pages(client, people):
    from civic.petitions import triage

    petition = file(people.citizen)
    login(client, "citizen@example.org")
    html = client.get(f"/petitions/{petition.receipt_no}", headers=EN).get_data(as_text=True)
    assert "Withdraw this petition" in html
    client.post(f"/petitions/{petition.receipt_no}/withdraw", data={"withdraw-reason": "fixed"})
    assert fresh(petition.id).status == "withdrawn"
    answered = file(people.citizen)
    triage.answer(people.staff, answered.receipt_no, "We repaired it.")
    html = client.get(f"/petitions/{answered.receipt_no}", headers=EN).get_data(as_text=True)
    assert "We repaired it." in html and "How helpful was the answer?" in html
    assert "Withdraw this petition" not in html
    bad = client.post(f"/petitions/{answered.receipt_no}/rating", data={"rating-score": "9"}, headers=EN)
    assert bad.status_code == 422
    client.post(f"/petitions/{answered.receipt_no}/rating", data={"rating-score": "5", "rating-comment": "Fast"})
    html = client.get(f"/petitions/{answered.receipt_no}", headers=EN).get_data(as_text=True)
    assert "Your rating: 5 of 5" in html


def test_staff_console_index(app, client, people):
    assert client.get("/staff").status_code == 302
    login(client, "citizen@example.org")
    assert client.get("/staff").status_code == 403
    client.post("/logout")
    login(client, "parks@example.org")
    file(people.citizen)
    html = client.get("/staff", headers=EN).get_data(as_text=True)
    assert 'href="/staff/petitions"' in html and "1 open, 0 overdue" in html
    with app.test_request_context():
        from flask import url_for
        from werkzeug.routing import BuildError

        for endpoint in ("reports_staff.index", "participation_staff.index", "alerts.staff_index"):
            try:
                href = url_for(endpoint)
            except BuildError:
                href = None
            # Linked exactly when that feature is installed.
            assert (href is not None and f'href="{href}"' in html) or (href is None), endpoint


def test_staff_queue_page(client, people):
    late = file(people.citizen, title="Late one")
    file(people.citizen, title="Fresh one")
    file(people.citizen, "road", title="Road one", district="11680")
    with unit_of_work():
        late.due_at = utcnow() - timedelta(hours=3)
    login(client, "parks@example.org")
    html = client.get("/staff/petitions", headers=EN).get_data(as_text=True)
    assert "Late one" in html and "Fresh one" in html and "Road one" not in html
    assert html.index("Late one") < html.index("Fresh one")        # soonest due first
    assert 'class="overdue' in html and "Overdue" in html
    html = client.get("/staff/petitions?flag=overdue", headers=EN).get_data(as_text=True)
    assert "Late one" in html and "Fresh one" not in html
    html = client.get("/staff/petitions?status=answered", headers=EN).get_data(as_text=True)
    assert "No petitions match." in html
    response = client.post("/staff/petitions/bulk-assign", data={"receipt_no": [late.receipt_no],
                                                                 "user": str(people.colleague.id)})
    assert response.status_code == 302
    assert fresh(late.id).assignee_id == people.colleague.id


def test_staff_detail_actions_through_pages(client, people):
    petition = file(people.citizen, title="Overgrown hedge")
    receipt = petition.receipt_no
    login(client, "roads@example.org")
    assert client.get(f"/staff/petitions/{receipt}").status_code == 404
    client.post("/logout")
    login(client, "parks@example.org")
    html = client.get(f"/staff/petitions/{receipt}", headers=EN).get_data(as_text=True)
    assert "citizen@example.org" in html and "Audit trail" in html and "Opened" in html
    assert "petition.view" not in html  # readable actions, not codes
    assert client.post(f"/staff/petitions/{receipt}/assign", data={"assign-user": str(people.colleague.id)}
                       ).status_code == 302
    bad = client.post(f"/staff/petitions/{receipt}/transfer", data={"transfer-department": "ROADS"}, headers=EN)
    assert bad.status_code == 422 and "Give the reason for the transfer." in bad.get_data(as_text=True)
    client.post(f"/staff/petitions/{receipt}/notes", data={"note-body": "Gardener booked"})
    html = client.get(f"/staff/petitions/{receipt}", headers=EN).get_data(as_text=True)
    assert "Gardener booked" in html
    response = client.post(f"/staff/petitions/{receipt}/answer", data={
        "answer-body": "The hedge was trimmed.", "answer-attachments": [(io.BytesIO(png_bytes()), "after.png")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    petition = fresh(petition.id)
    assert petition.status == "answered" and len(petition.answer_attachments()) == 1
    # The petitioner sees the answer but not the note.
    client.post("/logout")
    login(client, "citizen@example.org")
    html = client.get(f"/petitions/{receipt}", headers=EN).get_data(as_text=True)
    assert "The hedge was trimmed." in html and "Gardener booked" not in html


def test_transfer_through_the_page_leaves_the_console(client, people):
    receipt = file(people.citizen).receipt_no
    login(client, "parks@example.org")
    response = client.post(f"/staff/petitions/{receipt}/transfer",
                           data={"transfer-department": "ROADS", "transfer-reason": "Road works"})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/petitions"
    assert client.get(f"/staff/petitions/{receipt}").status_code == 404
    client.post("/logout")
    login(client, "roads@example.org")
    html = client.get(f"/staff/petitions/{receipt}", headers=EN).get_data(as_text=True)
    assert "Transferred to Road Management Division" in html and "Road works" in html


def test_answer_template_prefills_the_answer(client, people, petition_types):
    receipt = file(people.citizen, "road", district="11680").receipt_no
    from tests.factories import make_user

    make_user("staff", "GU-11680", email="gangnam@example.org")
    login(client, "gangnam@example.org")
    html = client.get(f"/staff/petitions/{receipt}").get_data(as_text=True)
    assert "현장을 확인한 결과" in html


def test_workload_and_type_pages(client, people):
    late = file(people.citizen, title="Very late")
    with unit_of_work():
        late.due_at = utcnow() - timedelta(days=2)
    login(client, "parks@example.org")
    assert client.get("/staff/petitions/workload").status_code == 403
    assert client.get("/staff/petitions/types").status_code == 403
    client.post("/logout")
    login(client, "parkshead@example.org")
    html = client.get("/staff/petitions/workload", headers=EN).get_data(as_text=True)
    assert "Very late" in html and "Nobody yet" in html
    client.post("/logout")
    login(client, "admin@example.org")
    assert "Parks and green spaces" in client.get("/staff/petitions/types", headers=EN).get_data(as_text=True)
    form = client.get("/staff/petitions/types/parks", headers=EN).get_data(as_text=True)
    assert 'value="Parks and green spaces"' in form
    response = client.post("/staff/petitions/types/parks", data={
        "name_ko": "공원", "name_en": "Parks", "department": "PARKS", "deadline_days": "5",
        "required_fields": ["attachment"], "is_active": "y", "answer_template": ""})
    assert response.status_code == 302
    from civic.petitions.service import get_type

    assert get_type("parks").deadline_days == 5 and get_type("parks").required_fields == ["attachment"]
    bad = client.post("/staff/petitions/types/parks", data={"name_ko": "", "name_en": "x", "department": "PARKS",
                                                            "deadline_days": "0"})
    assert bad.status_code == 422


def test_every_staff_page_hides_other_departments_petitions(app, people):
    petition = file(people.citizen, uploads=[upload()])
    receipt = petition.receipt_no
    base = f"/staff/petitions/{receipt}"
    calls = [("get", base, {}), ("post", base + "/assign", {"assign-user": str(people.outsider.id)}),
             ("post", base + "/status", {"status-status": "in_progress"}),
             ("post", base + "/transfer", {"transfer-department": "ROADS", "transfer-reason": "x"}),
             ("post", base + "/notes", {"note-body": "peek"}), ("post", base + "/answer", {"answer-body": "a"}),
             ("post", "/staff/petitions/bulk-assign", {"receipt_no": [receipt], "user": str(people.outsider.id)})]
    expectations = (("roads@example.org", 404), ("citizen@example.org", 403), (None, 302))
    for email, expected in expectations:
        client = app.test_client()
        if email:
            login(client, email)
        for method, url, data in calls:
            assert getattr(client, method)(url, data=data).status_code == expected, (email, url)
    current = fresh(petition.id)
    assert current.status == "received" and current.assignee_id is None and current.department.code == "PARKS"
    assert all(e.kind != "note" for e in current.events)
