"""Canned answers: a department's answer templates, managed by its staff, picked when answering."""

from __future__ import annotations

import pytest

from civic.audit import AuditEntry
from civic.errors import NotFound, ValidationFailed
from civic.extensions import db
from civic.petitions import answer_templates, triage
from civic.petitions.models import AnswerTemplate
from tests.conftest import login
from tests.petitions.conftest import file

EN = {"Accept-Language": "en"}
TEXT = "{name}님, 접수번호 {receipt_no} 민원에 답변드립니다. 현장을 확인해 수리했습니다."


def actions() -> list[str]:
    return [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


def test_templates_belong_to_a_department_and_fill_their_placeholders(people):
    template = answer_templates.create(people.staff, "수리 완료", TEXT)
    assert template.department_id == people.staff.department_id
    petition = file(people.citizen)
    assert answer_templates.render(template, petition) == (
        f"Kim Citizen님, 접수번호 {petition.receipt_no} 민원에 답변드립니다. 현장을 확인해 수리했습니다.")
    with pytest.raises(ValidationFailed) as exc:
        answer_templates.create(people.staff, "", "Dear {nmae}")
    assert set(exc.value.errors) == {"title", "body"}
    assert "{nmae}" in str(exc.value.errors["body"].params["names"])
    # Staff of another department neither see nor use it; admins manage any department's.
    with pytest.raises(NotFound):
        answer_templates.get(people.outsider, template.id)
    assert answer_templates.templates(people.outsider)[1] == []
    roads = answer_templates.create(people.admin, "Roads", "Fixed.", "ROADS")
    assert answer_templates.templates(people.outsider)[1] == [roads]
    answer_templates.update(people.colleague, template.id, "수리 완료 안내", TEXT)
    answer_templates.delete(people.staff, template.id)
    assert db.session.get(AnswerTemplate, template.id) is None
    assert actions() == ["answer_template.create", "answer_template.create", "answer_template.update",
                         "answer_template.delete"]


def test_answering_from_a_template_is_audited(people):
    template = answer_templates.create(people.staff, "수리 완료", TEXT)
    roads = answer_templates.create(people.admin, "Roads", "Fixed.", "ROADS")
    petition = file(people.citizen)
    with pytest.raises(ValidationFailed):
        triage.answer(people.admin, petition.receipt_no, "Fixed.", template_id=roads.id)
    triage.answer(people.staff, petition.receipt_no, answer_templates.render(template, petition),
                  template_id=template.id)
    entry = db.session.query(AuditEntry).filter_by(action="petition.answer").one()
    assert entry.detail["template_id"] == template.id


def test_staff_manage_templates_and_pick_one_when_answering(client, people):
    login(client, "parks@example.org")
    assert "No answer templates yet" in client.get("/staff/petitions/answer-templates", headers=EN).get_data(
        as_text=True)
    response = client.post("/staff/petitions/answer-templates/new", data={"title": "Bad", "body": "Hi {who}"},
                           headers=EN)
    assert response.status_code == 422 and "Unknown placeholder {who}" in response.get_data(as_text=True)
    response = client.post("/staff/petitions/answer-templates/new", data={"title": "수리 완료", "body": TEXT})
    assert response.status_code == 302
    template = db.session.query(AnswerTemplate).one()
    assert "수리 완료" in client.get("/staff/petitions/answer-templates").get_data(as_text=True)
    petition = file(people.citizen)
    html = client.get(f"/staff/petitions/{petition.receipt_no}", headers=EN).get_data(as_text=True)
    assert "Start from an answer template" in html and f'<option value="{template.id}"' in html
    html = client.get(f"/staff/petitions/{petition.receipt_no}?template={template.id}").get_data(as_text=True)
    assert f"Kim Citizen님, 접수번호 {petition.receipt_no} 민원에" in html
    assert f'name="answer-template_id" type="hidden" value="{template.id}"' in html
    response = client.post(f"/staff/petitions/{petition.receipt_no}/answer", data={
        "answer-body": f"Kim Citizen님, 접수번호 {petition.receipt_no} 민원에 답변드립니다.",
        "answer-template_id": str(template.id)})
    assert response.status_code == 302
    assert db.session.query(AuditEntry).filter_by(action="petition.answer").one().detail["template_id"] == template.id
    # Another department's staff cannot open, edit or delete it.
    client.post("/logout")
    login(client, "roads@example.org")
    assert client.get(f"/staff/petitions/answer-templates/{template.id}").status_code == 404
    assert client.post(f"/staff/petitions/answer-templates/{template.id}/delete").status_code == 404
    assert db.session.get(AnswerTemplate, template.id) is not None
    # Citizens have no access at all.
    client.post("/logout")
    login(client, "citizen@example.org")
    assert client.get("/staff/petitions/answer-templates").status_code == 403


def test_the_api_answer_names_its_template(client, people):
    from tests.factories import bearer

    template = answer_templates.create(people.staff, "수리 완료", TEXT)
    petition = file(people.citizen)
    response = client.post(f"/api/v1/staff/petitions/{petition.receipt_no}/answer",
                           json={"body": "수리했습니다.", "template_id": template.id}, headers=bearer(people.staff))
    assert response.status_code == 200, response.get_json()
    assert db.session.query(AuditEntry).filter_by(action="petition.answer").one().detail["template_id"] == template.id
    other = file(people.citizen)
    roads = answer_templates.create(people.admin, "Roads", "Fixed.", "ROADS")
    response = client.post(f"/api/v1/staff/petitions/{other.receipt_no}/answer",
                           json={"body": "수리했습니다.", "template_id": roads.id}, headers=bearer(people.staff))
    assert response.status_code == 404          # another department's template is not this staff's to see
