"""Petition rules without HTTP: filing, routing, numbering, visibility, triage, audit."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from civic.audit import AuditEntry
from civic.db import unit_of_work, utcnow
from civic.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from civic.extensions import db
from civic.notifications.models import Notification
from civic.petitions import service, triage, workload
from civic.petitions.models import Petition, PetitionAttachment, PetitionType
from tests.petitions.conftest import file, png_bytes, upload


def test_filing_numbers_routes_and_sets_the_deadline(people, petition_types):
    petition = file(people.citizen)
    assert re.fullmatch(r"\d{4}-\d{6}", petition.receipt_no)
    assert petition.status == "received"
    assert petition.department.code == "PARKS"
    assert petition.due_at > petition.created_at + timedelta(days=7)   # 7 working days > 7 days
    second = file(people.citizen)
    assert int(second.receipt_no[-6:]) == int(petition.receipt_no[-6:]) + 1
    assert [e.kind for e in petition.events] == ["received"]


def test_types_routed_by_district_go_to_the_district_office(people, petition_types):
    petition = file(people.citizen, "road", district="11680")
    assert petition.department.code == "GU-11680"
    # Without a district (and no point) a road petition is refused: it needs a location.
    with pytest.raises(ValidationFailed) as exc:
        file(people.citizen, "road")
    assert "district" in exc.value.errors
    # A point inside Gangnam-gu derives the district.
    petition = file(people.citizen, "road", lat=37.5126, lon=127.0590)
    assert petition.district_code == "11680" and petition.department.code == "GU-11680"


def test_filing_validation(people, petition_types):
    with pytest.raises(ValidationFailed) as exc:
        service.file_petition(people.citizen, type_code="nope", title="", body="", lat=95, lon=0,
                              contact_preference="phone")
    assert {"type", "title", "body", "lat", "contact_phone"} <= set(exc.value.errors)
    with pytest.raises(ValidationFailed) as exc:
        file(people.citizen, lat=35.1, lon=129.0)            # Busan: outside the service area
    assert "lat" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        file(people.citizen, uploads=[upload() for _ in range(6)])
    assert "attachments" in exc.value.errors
    with pytest.raises(Unauthorized):
        file(None)
    assert db.session.query(Petition).count() == 0


def test_a_bad_attachment_leaves_nothing_behind(app, people, petition_types, tmp_path):
    uploads_dir = tmp_path / "uploads"
    with pytest.raises(ValidationFailed) as exc:
        file(people.citizen, uploads=[upload(), upload(b"not an image", "x.png")])
    assert "attachments" in exc.value.errors
    assert list(uploads_dir.iterdir()) == []
    assert db.session.query(Petition).count() == 0


def test_a_failed_database_write_removes_stored_files(app, people, petition_types, tmp_path, monkeypatch):
    def broken(year):
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "next_receipt_no", broken)
    with pytest.raises(RuntimeError):
        file(people.citizen, uploads=[upload(), upload()])
    assert list((tmp_path / "uploads").iterdir()) == []
    assert db.session.query(PetitionAttachment).count() == 0


def test_attachments_are_stored(people, petition_types):
    petition = file(people.citizen, uploads=[upload(), upload(png_bytes("red"))])
    assert len(petition.petition_attachments()) == 2
    assert service.get_attachment(people.citizen, petition.receipt_no, petition.attachments[0].id)
    with pytest.raises(NotFound):
        service.get_attachment(people.other_citizen, petition.receipt_no, petition.attachments[0].id)


def test_visibility_matrix(people, petition_types):
    petition = file(people.citizen)
    for user in (people.citizen, people.staff, people.dept_admin, people.admin):
        assert service.get_petition(user, petition.receipt_no).id == petition.id
    for user in (None, people.other_citizen, people.outsider):
        with pytest.raises(NotFound):
            service.get_petition(user, petition.receipt_no)
    with pytest.raises(NotFound):
        service.get_petition(people.citizen, "2026-999999")


def test_staff_actions_need_a_staff_role_and_the_handling_department(people, petition_types):
    petition = file(people.citizen)
    with pytest.raises(Forbidden):
        triage.view(people.citizen, petition.receipt_no)
    with pytest.raises(Unauthorized):
        triage.view(None, petition.receipt_no)
    with pytest.raises(NotFound):
        triage.assign(people.outsider, petition.receipt_no, people.outsider.id)
    with pytest.raises(NotFound):
        triage.add_note(people.outsider, petition.receipt_no, "peek")
    triage.add_note(people.admin, petition.receipt_no, "admins may act everywhere")


def test_assignment_status_answer_and_close(people, petition_types):
    petition = file(people.citizen)
    with pytest.raises(ValidationFailed):
        triage.assign(people.staff, petition.receipt_no, people.outsider.id)     # other department
    with pytest.raises(ValidationFailed):
        triage.change_status(people.staff, petition.receipt_no, "assigned")     # nobody assigned yet
    triage.assign(people.staff, petition.receipt_no, people.colleague.id)
    assert petition.status == "assigned" and petition.assignee_id == people.colleague.id
    triage.change_status(people.colleague, petition.receipt_no, "in_progress")
    with pytest.raises(ValidationFailed):
        triage.change_status(people.colleague, petition.receipt_no, "answered")
    with pytest.raises(Conflict):
        triage.change_status(people.colleague, petition.receipt_no, "closed")
    triage.answer(people.colleague, petition.receipt_no, "Fixed on Monday.", [upload()])
    assert petition.status == "answered" and petition.answer_body == "Fixed on Monday."
    assert len(petition.answer_attachments()) == 1
    with pytest.raises(Conflict):
        triage.answer(people.colleague, petition.receipt_no, "Again")
    with pytest.raises(Conflict):
        service.withdraw(people.citizen, petition.receipt_no)
    triage.change_status(people.colleague, petition.receipt_no, "closed")
    assert petition.status == "closed" and petition.closed_at is not None


def test_withdraw_before_answer_and_rate_after(people, petition_types):
    petition = file(people.citizen)
    with pytest.raises(Conflict):
        service.rate(people.citizen, petition.receipt_no, 5)
    with pytest.raises(NotFound):
        service.withdraw(people.other_citizen, petition.receipt_no)
    with pytest.raises(NotFound):
        service.withdraw(people.staff, petition.receipt_no)      # staff see it but do not act as citizen
    triage.assign(people.staff, petition.receipt_no, people.colleague.id)
    service.withdraw(people.citizen, petition.receipt_no, "Solved itself")
    assert petition.status == "withdrawn"
    # The assignee hears about it.
    titles = [n.title for n in db.session.scalars(
        select(Notification).where(Notification.user_id == people.colleague.id).order_by(Notification.id))]
    assert titles[-1] == f"민원 {petition.receipt_no}이 취하되었습니다"  # 1 reads 일: 이, not 가
    with pytest.raises(Conflict):
        triage.answer(people.staff, petition.receipt_no, "Too late")

    answered = file(people.citizen)
    triage.answer(people.staff, answered.receipt_no, "Done.")
    with pytest.raises(ValidationFailed):
        service.rate(people.citizen, answered.receipt_no, 6)
    service.rate(people.citizen, answered.receipt_no, 4, "Quick, thanks")
    assert answered.rating == 4 and answered.rating_comment == "Quick, thanks"
    with pytest.raises(Conflict):
        service.rate(people.citizen, answered.receipt_no, 5)


def test_transfer_moves_visibility_and_needs_a_reason(app, people, petition_types):
    petition = file(people.citizen)
    triage.assign(people.staff, petition.receipt_no, people.staff.id)
    due = petition.due_at
    with pytest.raises(ValidationFailed) as exc:
        triage.transfer(people.staff, petition.receipt_no, "ROADS", "  ")
    assert "reason" in exc.value.errors
    with pytest.raises(ValidationFailed):
        triage.transfer(people.staff, petition.receipt_no, "PARKS", "same department")
    triage.transfer(people.staff, petition.receipt_no, "ROADS", "The path belongs to the road")
    assert petition.department.code == "ROADS" and petition.status == "received"
    assert petition.assignee_id is None and petition.due_at == due          # "continue" by default
    with pytest.raises(NotFound):
        service.get_petition(people.staff, petition.receipt_no)             # no longer PARKS'
    assert service.get_petition(people.outsider, petition.receipt_no)
    event = petition.events[-1]
    assert event.kind == "transferred" and event.public and event.body == "The path belongs to the road"


def test_transfer_can_restart_the_deadline(app, people, petition_types):
    app.config["PETITIONS_TRANSFER_DEADLINE"] = "restart"
    petition = file(people.citizen)
    with unit_of_work():
        petition.due_at = utcnow() - timedelta(days=1)
    triage.transfer(people.staff, petition.receipt_no, "ROADS", "Not ours")
    assert petition.due_at > utcnow() + timedelta(days=5)


def test_notes_are_internal(people, petition_types):
    petition = file(people.citizen)
    triage.add_note(people.staff, petition.receipt_no, "Call the contractor")
    assert all(e.kind != "note" for e in service.public_events(petition))
    with pytest.raises(ValidationFailed):
        triage.add_note(people.staff, petition.receipt_no, "")


def test_every_staff_action_is_audited(people, petition_types):
    petition = file(people.citizen)
    receipt = petition.receipt_no
    triage.view(people.staff, receipt)
    triage.assign(people.staff, receipt, people.staff.id)
    triage.change_status(people.staff, receipt, "in_progress")
    triage.add_note(people.staff, receipt, "checked on site")
    other = file(people.citizen)
    triage.bulk_assign(people.staff, [other.receipt_no], people.colleague.id)
    triage.transfer(people.staff, other.receipt_no, "ROADS", "wrong department")
    triage.answer(people.staff, receipt, "Repaired.")
    triage.change_status(people.staff, receipt, "closed")
    service.get_petition(people.admin, receipt)
    actions = [(e.action, e.actor_id) for e in triage.audit_trail(people.staff, receipt)]
    assert actions == [
        ("petition.view", people.staff.id), ("petition.assign", people.staff.id),
        ("petition.status", people.staff.id), ("petition.note", people.staff.id),
        ("petition.answer", people.staff.id), ("petition.status", people.staff.id),
        ("petition.view", people.admin.id),
    ]
    other_actions = [e.action for e in triage.audit_trail(people.outsider, other.receipt_no)]
    assert other_actions == ["petition.assign", "petition.transfer", "petition.transfer_in"]
    # The petitioner reading their own petition is not a staff action.
    service.get_petition(people.citizen, receipt)
    assert db.session.query(AuditEntry).filter_by(actor_id=people.citizen.id).count() == 0
    # Personal data stays out of the audit detail (notes are referenced by id).
    details = " ".join(str(e.detail) for e in db.session.scalars(select(AuditEntry)))
    assert "checked on site" not in details and "citizen@example.org" not in details


def test_failed_actions_write_no_audit_entry(people, petition_types):
    petition = file(people.citizen)
    with pytest.raises(ValidationFailed):
        triage.answer(people.staff, petition.receipt_no, "", [upload(b"bad")])
    with pytest.raises(NotFound):
        triage.answer(people.outsider, petition.receipt_no, "Answer")
    assert db.session.query(AuditEntry).count() == 0


def test_petitioner_is_notified_in_their_language(people, petition_types):
    from civic.accounts.service import set_locale

    set_locale(people.citizen, "en")
    petition = file(people.citizen)
    triage.assign(people.staff, petition.receipt_no, people.colleague.id)
    triage.transfer(people.colleague, petition.receipt_no, "ROADS", "Road surface")
    triage.answer(people.outsider, petition.receipt_no, "Done")
    titles = [n.title for n in db.session.scalars(
        select(Notification).where(Notification.user_id == people.citizen.id).order_by(Notification.id))]
    receipt = petition.receipt_no
    assert titles == [f"Petition {receipt} received", f"Petition {receipt} is being handled",
                      f"Petition {receipt} was transferred", f"Petition {receipt} has been answered"]
    # The assigned staff member (Korean by default) hears about it too, in Korean.
    staff_note = db.session.scalar(select(Notification).where(Notification.user_id == people.colleague.id))
    assert receipt in staff_note.title and "배정" in staff_note.title


def test_queue_filters_counts_and_due_date_order(people, petition_types):
    late = file(people.citizen, title="late")
    soon = file(people.citizen, title="soon")
    later = file(people.citizen, title="later", district="11110")
    file(people.citizen, "road", district="11680")                       # another department
    now = utcnow()
    with unit_of_work():
        late.due_at = now - timedelta(hours=2)
        soon.due_at = now + timedelta(hours=5)
    triage.assign(people.staff, later.receipt_no, people.staff.id)

    titles = [p.title for p in triage.queue(people.staff).items]
    assert titles == ["late", "soon", "later"]
    assert [p.title for p in triage.queue(people.staff, triage.QueueFilter(sort="-due")).items] == \
        ["later", "soon", "late"]
    assert [p.title for p in triage.queue(people.staff, triage.QueueFilter(overdue=True)).items] == ["late"]
    assert [p.title for p in triage.queue(people.staff, triage.QueueFilter(due_soon=True)).items] == ["soon"]
    assert [p.title for p in triage.queue(people.staff, triage.QueueFilter(district="11110")).items] == ["later"]
    assert [p.title for p in triage.queue(people.staff, triage.QueueFilter(assignee="me")).items] == ["later"]
    assert [p.title for p in triage.queue(people.staff, triage.QueueFilter(status="assigned")).items] == ["later"]
    assert triage.queue(people.staff, triage.QueueFilter(type="road")).total == 0
    page = triage.queue(people.staff, per_page=2)
    assert page.total == 3 and len(page.items) == 2 and page.has_next
    counts = triage.status_counts(people.staff)
    assert counts["received"] == 2 and counts["assigned"] == 1
    assert counts["overdue"] == 1 and counts["due_soon"] == 1
    assert triage.queue(people.admin).total == 4                         # admins see every department
    assert triage.queue(people.admin, triage.QueueFilter(department="PARKS")).total == 3
    with pytest.raises(Forbidden):
        triage.queue(people.citizen)


def test_bulk_assign_is_all_or_nothing(people, petition_types):
    first, second = file(people.citizen), file(people.citizen)
    foreign = file(people.citizen, "road", district="11680")
    with pytest.raises(NotFound):
        triage.bulk_assign(people.staff, [first.receipt_no, foreign.receipt_no], people.colleague.id)
    assert first.assignee_id is None
    triage.bulk_assign(people.staff, [first.receipt_no, second.receipt_no], people.colleague.id)
    assert first.assignee_id == second.assignee_id == people.colleague.id


def test_workload_for_department_admins(people, petition_types):
    late = file(people.citizen)
    file(people.citizen)
    with unit_of_work():
        late.due_at = utcnow() - timedelta(days=1)
    triage.assign(people.staff, late.receipt_no, people.colleague.id)
    with pytest.raises(Forbidden):
        workload.workload(people.staff)
    load = workload.workload(people.dept_admin)
    assert load.department.code == "PARKS"
    rows = {(u.id if u else None): (total, overdue) for u, total, overdue in load.per_assignee}
    assert rows == {people.colleague.id: (1, 1), None: (1, 0)}
    assert [p.receipt_no for p in load.overdue] == [late.receipt_no]
    assert workload.workload(people.admin).department is None


def test_reminders_go_to_assignees_or_the_whole_department(people, petition_types):
    assigned, unassigned, relaxed = file(people.citizen), file(people.citizen), file(people.citizen)
    with unit_of_work():
        assigned.due_at = utcnow() - timedelta(hours=1)
        unassigned.due_at = utcnow() + timedelta(hours=3)
    triage.assign(people.staff, assigned.receipt_no, people.colleague.id)
    before = {u: db.session.query(Notification).filter_by(user_id=u).count()
              for u in (people.staff.id, people.colleague.id, people.dept_admin.id, people.outsider.id)}
    assert workload.send_reminders() == 3
    after = {u: db.session.query(Notification).filter_by(user_id=u).count() for u in before}
    assert after[people.staff.id] - before[people.staff.id] == 1
    assert after[people.colleague.id] - before[people.colleague.id] == 1
    assert after[people.dept_admin.id] - before[people.dept_admin.id] == 1
    assert after[people.outsider.id] == before[people.outsider.id]
    note = db.session.scalar(select(Notification).where(Notification.user_id == people.colleague.id,
                                                        Notification.kind == "petition_reminder"))
    # Korean by default: their own overdue petition and the department's unassigned one.
    assert note.body == "기한 초과 1건, 하루 안에 기한 도래 1건."
    staff_note = db.session.scalar(select(Notification).where(Notification.user_id == people.staff.id,
                                                              Notification.kind == "petition_reminder"))
    assert staff_note.body == "기한 초과 0건, 하루 안에 기한 도래 1건."
    assert relaxed.due_at > utcnow() + timedelta(days=2)


def test_admins_edit_petition_types(people, petition_types):
    with pytest.raises(Forbidden):
        service.update_type(people.staff, "parks", name_ko="공원", name_en="Parks", department_code="PARKS",
                            deadline_days=5, required_fields=[], route_by_district=False,
                            answer_template="", is_active=True)
    with pytest.raises(ValidationFailed) as exc:
        service.update_type(people.admin, "parks", name_ko="", name_en="Parks", department_code="NOPE",
                            deadline_days=0, required_fields=["shoe size"], route_by_district=False,
                            answer_template="", is_active=True)
    assert set(exc.value.errors) == {"name_ko", "department", "deadline_days", "required_fields"}
    service.update_type(people.admin, "parks", name_ko="공원", name_en="Parks", department_code="ENVIRONMENT",
                        deadline_days=3, required_fields=["attachment"], route_by_district=False,
                        answer_template="Dear citizen,", is_active=True)
    with pytest.raises(ValidationFailed) as exc:
        file(people.citizen)
    assert "attachments" in exc.value.errors
    petition = file(people.citizen, uploads=[upload()])
    assert petition.department.code == "ENVIRONMENT"
    assert db.session.query(AuditEntry).filter_by(action="petition_type.update").count() == 1


def test_seed_is_idempotent_and_keeps_edits(people, petition_types):
    from civic.petitions.seed import seed

    with unit_of_work():
        petition_types["parks"].deadline_days = 12
    assert seed() == 0
    assert db.session.get(PetitionType, petition_types["parks"].id).deadline_days == 12


def _file_concurrently(app, user_id: int, threads: int = 8, per_thread: int = 4) -> list[str]:
    from civic.accounts.models import User

    numbers, errors = [], []
    barrier = threading.Barrier(threads)

    def work():
        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                barrier.wait()
                for _ in range(per_thread):
                    numbers.append(file(user).receipt_no)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return numbers


def test_concurrent_filing_gets_unique_receipt_numbers(app, people, petition_types):
    """Threads against the test database (PostgreSQL when TEST_DATABASE_URL is set)."""
    numbers = _file_concurrently(app, people.citizen.id)
    assert len(numbers) == len(set(numbers)) == 32
    assert db.session.query(Petition).count() == 32


def test_concurrent_filing_on_a_sqlite_file(tmp_path):
    """The same on a SQLite file database, whatever the suite runs on."""
    from civic import create_app
    from civic.accounts.seed import seed as seed_departments
    from civic.petitions.seed import seed as seed_types
    from tests.conftest import make_config
    from tests.factories import make_user

    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'threads.db'}"))
    with app.app_context():
        db.create_all()
        seed_departments()
        seed_types()
        user_id = make_user().id
        numbers = _file_concurrently(app, user_id)
        assert len(numbers) == len(set(numbers)) == 32
        assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 33))
        db.session.remove()
        db.engine.dispose()
