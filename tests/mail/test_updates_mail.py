"""Petition notices, report digests, one-click unsubscribe, and the outbox's guarantees."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from civic.extensions import db
from civic.mail.models import OutboxMessage
from civic.notifications import preferences
from tests.conftest import login
from tests.factories import make_user
from tests.reports.conftest import file_report
from tests.smtp import html_of, link_with, path_of, text_of

EN = {"Accept-Language": "en"}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def petition_types(departments):
    from civic.petitions.seed import seed

    seed()


def test_staff_answer_in_the_console_mails_the_petitioner_once(app, client, mailbox, petition_types):
    from civic.petitions import service

    citizen = make_user(email="citizen@example.org", name="Kim")
    make_user("staff", "PARKS", email="parks@example.org")
    petition = service.file_petition(citizen, type_code="parks", title="Broken bench", body="Please fix it.")
    [received] = mailbox.wait_for("citizen@example.org")
    assert received["Subject"] == f"청원 {petition.receipt_no} 접수" or petition.receipt_no in received["Subject"]
    assert petition.receipt_no in text_of(received)

    login(client, "parks@example.org")
    response = client.post(f"/staff/petitions/{petition.receipt_no}/answer", data={
        "answer-body": "We replaced the bench on Monday.",
        "answer-attachments": [(io.BytesIO(png()), "bench.png")]}, content_type="multipart/form-data", headers=EN)
    assert response.status_code == 302
    mails = mailbox.wait_for("citizen@example.org", count=2)
    answered = [m for m in mails if "answered" in str(m["Subject"]) or "답변" in str(m["Subject"])]
    assert len(answered) == 1
    mail = answered[0]
    assert "We replaced the bench on Monday." in text_of(mail)
    assert "We replaced the bench on Monday." in html_of(mail)
    attachment = link_with(mail, "/attachments/")
    assert attachment.startswith(f"https://civic.example.org/petitions/{petition.receipt_no}/attachments/")
    # Non-essential: one-click unsubscribe (RFC 8058) that moves petition notices to push.
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith("<https://civic.example.org/mail/unsubscribe/")
    # Sending the outbox again (cron, a retried job) sends nothing twice.
    from civic.mail.outbox import send_due

    send_due()
    assert len(mailbox.messages("citizen@example.org")) == 2
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == "petition_answered")) == 1


def test_answered_event_handled_twice_mails_once(app, mailbox, petition_types):
    from civic import events
    from civic.mail import petition_mail
    from civic.petitions import service, triage

    citizen = make_user(email="c@example.org")
    staff = make_user("staff", "PARKS")
    petition = service.file_petition(citizen, type_code="parks", title="Bench", body="Fix it.")
    triage.answer(staff, petition.receipt_no, "Done.")
    mailbox.wait_for("c@example.org", count=2)
    event = events.PetitionAnswered(petition_id=petition.id, department_id=petition.department_id,
                                    answered_at=petition.answered_at)
    petition_mail.on_answered(event)  # a retried job
    assert len(mailbox.messages("c@example.org")) == 2


def test_push_only_for_petitions_means_no_mail(app, mailbox, petition_types):
    from civic.petitions import service

    citizen = make_user(email="p@example.org")
    preferences.set_preferences(citizen, petition_channel="push")
    service.file_petition(citizen, type_code="parks", title="Bench", body="Fix it.")
    assert mailbox.messages("p@example.org") == []
    from civic.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        preferences.set_preferences(citizen, petition_channel="none")  # it cannot be switched off


def test_daily_digest_collects_three_report_updates_into_one_mail(app, client, mailbox, departments):
    from civic.reports.handling import post_update
    from civic.reports.seed import seed

    seed()
    follower = make_user(email="follower@example.org")
    preferences.set_preferences(follower, update_mail="daily")
    reporter = make_user(email="reporter@example.org")
    preferences.set_preferences(reporter, update_mail="off")
    from civic.reports import service

    reports = [file_report(reporter) for _ in range(3)]
    for report in reports:
        service.follow(follower, report)
    staff = make_user("staff", reports[0].department.code)
    for status in ("acknowledged", "in_progress"):
        post_update(staff, reports[0], status=status)
    post_update(staff, reports[1], status="closed", close_reason="fixed")
    assert mailbox.messages("follower@example.org") == []  # nothing yet: waiting for the digest

    result = app.test_cli_runner().invoke(args=["mail", "digests", "--period", "daily"])
    assert result.exit_code == 0, result.output
    [digest] = mailbox.wait_for("follower@example.org")
    text = text_of(digest)
    assert "3 updates" in str(digest["Subject"]) or "3" in str(digest["Subject"])
    assert text.count(f"https://civic.example.org/reports/{reports[0].id}") == 2
    assert f"https://civic.example.org/reports/{reports[1].id}" in text
    assert digest["List-Unsubscribe"] is not None
    assert mailbox.messages("reporter@example.org") == []  # chose no mail
    # Run again: nothing new to send.
    app.test_cli_runner().invoke(args=["mail", "digests", "--period", "daily"])
    assert len(mailbox.messages("follower@example.org")) == 1


def test_one_click_unsubscribe(app, client, mailbox, departments):
    from civic.reports.handling import post_update
    from civic.reports.seed import seed

    seed()
    reporter = make_user(email="r@example.org")
    report = file_report(reporter)
    staff = make_user("staff", report.department.code)
    post_update(staff, report, status="acknowledged")
    [mail] = mailbox.wait_for("r@example.org")
    target = mail["List-Unsubscribe"].strip("<>")
    # A GET (link scanners) changes nothing; the one-click POST, without cookies or CSRF, does.
    assert client.get(path_of(target), headers=EN).status_code == 200
    assert preferences.preferences_of(reporter.id).update_mail == "immediate"
    anonymous = app.test_client()
    response = anonymous.post(path_of(target), data="List-Unsubscribe=One-Click",
                              content_type="application/x-www-form-urlencoded", headers=EN)
    assert response.status_code == 200
    assert preferences.preferences_of(reporter.id).update_mail == "off"
    post_update(staff, report, status="in_progress")
    assert len(mailbox.messages("r@example.org")) == 1
    # A forged token is refused.
    assert anonymous.post(path_of(target)[:-3] + "xyz").status_code == 404


def test_quiet_hours_hold_immediate_mail(app, mailbox, departments):
    from datetime import time

    from civic.reports.handling import post_update
    from civic.reports.seed import seed

    seed()
    app.config["PERSONAL_PUSH_QUIET_HOURS"] = (time(0, 0), time(23, 59))
    reporter = make_user(email="q@example.org")
    report = file_report(reporter)
    post_update(make_user("staff", report.department.code), report, status="acknowledged")
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "q@example.org"))
    assert row.state == "pending" and mailbox.messages("q@example.org") == []


def test_smtp_failure_is_retried_with_backoff_and_counted(app, client, mailbox, departments):
    from datetime import timedelta

    from civic.db import utcnow
    from civic.mail.outbox import send_due

    app.config["MAIL_MAX_ATTEMPTS"] = 2
    mailbox.refuse_next = 5
    client.post("/password-reset", data={"email": "nobody@example.org"})
    user = make_user(email="retry@example.org")
    client.post("/password-reset", data={"email": "retry@example.org"})
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == user.id))
    db.session.refresh(row)
    assert row.state == "pending" and row.attempts == 1 and "451" in row.last_error
    assert row.not_before > utcnow() + timedelta(seconds=30)
    assert send_due() == {}  # not due yet
    send_due(now=utcnow() + timedelta(minutes=2))
    db.session.refresh(row)
    assert row.state == "failed" and row.attempts == 2
    health = client.get("/healthz").get_json()
    assert health["mail"]["failed"] == 1


def test_header_injection_is_neutralised(app, mailbox):
    from civic.mail import compose, outbox

    user = make_user(email="inj@example.org", name="Kim\r\nBcc: victim@example.org")
    outbox.dispatch(outbox.put("test:1", user, lambda: compose.Content(
        subject="Hello\r\nBcc: victim@example.org", paragraphs=["x"]), kind="test", essential=True))
    [mail] = mailbox.wait_for("inj@example.org")
    assert mail["Bcc"] is None and mailbox.messages("victim@example.org") == []
    assert "\n" not in str(mail["Subject"]) and "Hello" in str(mail["Subject"])


def test_idn_domain_is_sent_in_ascii(app, mailbox):
    from civic.mail import compose, outbox

    user = make_user(email="Kim@서울.한국")
    assert user.email == "kim@서울.한국"
    outbox.dispatch(outbox.put("test:idn", user, lambda: compose.Content(subject="Hi", paragraphs=["x"]),
                               kind="test", essential=True))
    [mail] = mailbox.wait_for("kim@xn--2i4bq6h.xn--3e0b707e")
    assert mail["To"].addresses[0].domain == "xn--2i4bq6h.xn--3e0b707e"


def test_transfer_and_extension_mails_name_the_department_reason_and_deadline(app, mailbox, petition_types):
    from datetime import timedelta

    from civic import events
    from civic.db import unit_of_work
    from civic.petitions import service, triage

    citizen = make_user(email="t@example.org")
    citizen_locale = "en"
    from civic.accounts.service import set_locale

    set_locale(citizen, citizen_locale)
    staff = make_user("staff", "PARKS")
    petition = service.file_petition(citizen, type_code="parks", title="Bench", body="Fix it.")
    triage.transfer(staff, petition.receipt_no, "ROADS", "The bench stands on the pavement.")
    transferred = mailbox.wait_for("t@example.org", count=2)[1]
    assert transferred["Subject"] == f"Petition {petition.receipt_no} was transferred"
    text = text_of(transferred)
    assert "The bench stands on the pavement." in text and "Road" in text
    # The extension mail (its service lands with the workflow feature; the event is the contract).
    new_due = petition.due_at + timedelta(days=7)
    with unit_of_work():
        events.emit(events.PetitionExtended(petition_id=petition.id, old_due_at=petition.due_at, new_due_at=new_due,
                                            reason="We need a site visit."))
    extended = mailbox.wait_for("t@example.org", count=3)[2]
    assert "deadline was extended" in str(extended["Subject"])
    from flask_babel import force_locale

    from civic.formatting import format_when

    with force_locale("en"):
        assert format_when(new_due) in text_of(extended)
    assert "We need a site visit." in html_of(extended)


def test_a_proposal_author_hears_of_the_response(app, mailbox, departments):
    from civic.participation import service
    from tests.participation.builders import make_proposal, make_staff

    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 1
    author = make_user(email="author@example.org")
    proposal = make_proposal(author, category="parks")
    service.support(make_user(), proposal.id)
    service.respond(make_staff("PARKS"), proposal.id, "accepted", "공원에 그늘막을 설치하겠습니다.")
    mails = mailbox.wait_for("author@example.org")
    assert any(proposal.title in text_of(m) or proposal.title in str(m["Subject"]) for m in mails)


def test_choices_on_the_devices_page(app, client):
    make_user(email="c@example.org")
    login(client, "c@example.org")
    page = client.get("/account/devices", headers=EN).get_data(as_text=True)
    assert "Updates by e-mail" in page and "never sent by e-mail" in page
    response = client.post("/account/devices/preferences", data={"petition_channel": "email",
                                                                 "update_mail": "weekly"}, headers=EN)
    assert response.status_code == 302
    from civic.accounts.models import User

    me = db.session.scalar(select(User).where(User.email == "c@example.org"))
    assert preferences.preferences_of(me.id) == preferences.Preferences("email", "weekly")
    bad = client.post("/account/devices/preferences", data={"petition_channel": "none"}, headers=EN)
    assert bad.status_code == 302
    assert preferences.preferences_of(me.id).petition_channel == "email"
