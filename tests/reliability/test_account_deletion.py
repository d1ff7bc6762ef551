"""Account deletion: no personal field of the account remains anywhere in the database, while
its public reports and proposals are still served (anonymous) and petitions stay as records."""

from __future__ import annotations

from sqlalchemy import select

from civic.accounts import service as accounts
from civic.accounts.models import ApiToken, OidcIdentity, User
from civic.alerts.models import PushSubscription
from civic.db import unit_of_work
from civic.extensions import db
from civic.notifications.models import Notification
from civic.notifications.service import notify
from civic.participation import service as participation
from civic.participation.models import CommentReport
from civic.petitions.models import Petition
from civic.reports import service as reports
from civic.reports.models import ReportFollower
from tests.conftest import csrf_token_from, login
from tests.factories import bearer, make_user

EMAIL = "kim.deleted@example.org"
NAME = "Kim Private-Name"
PHONE = "010-5555-1234"
ENDPOINT = "https://push.example.org/send/private-endpoint-token"


def _build(departments):
    from civic.petitions.seed import seed as seed_petitions
    from civic.reports.seed import seed as seed_reports
    from tests.participation.builders import make_proposal
    from tests.petitions.conftest import file
    from tests.reports.conftest import JONGNO, file_report

    seed_petitions()
    seed_reports()
    user = make_user(email=EMAIL, name=NAME)
    other = make_user()
    accounts.issue_token(user)
    with unit_of_work():
        db.session.add(OidcIdentity(provider="city", subject="private-subject", user=user))
        db.session.add(PushSubscription(endpoint=ENDPOINT, p256dh="k" * 20, auth="a" * 10, user_id=user.id,
                                        lat=37.57, lon=126.99))
        notify(user, "test", f"Hello {NAME}", "body", "/")
    report = file_report(user, description="Pothole by the school", show_name=True)
    followed = file_report(other, "fallen_tree", point=JONGNO)
    reports.follow(user, followed)
    petition = file(user, contact_preference="phone", contact_phone=PHONE)
    proposal = make_proposal(user)
    comment = participation.add_comment(other, proposal.id, "A comment to flag")
    participation.report_comment(user, comment.id, "spam")
    return user, report, petition, proposal


def _personal_values_left() -> list[str]:
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            dump = repr(dict(row))
            for secret in (EMAIL, NAME, PHONE, ENDPOINT, "private-subject"):
                if secret in dump:
                    found.append(f"{table.name}: {secret}")
    return found


def _check_deleted(client, user_id, report, petition, proposal):
    db.session.expire_all()
    assert _personal_values_left() == []
    user = db.session.get(User, user_id)
    assert user.email is None and user.password_hash is None and user.display_name == "" and not user.is_active
    for model in (ApiToken, OidcIdentity, Notification):
        assert db.session.scalars(select(model).where(model.user_id == user_id)).all() == []
    assert db.session.scalar(select(PushSubscription).where(PushSubscription.user_id == user_id)) is None
    assert db.session.scalars(select(ReportFollower).where(ReportFollower.user_id == user_id)).all() == []
    assert db.session.scalars(select(CommentReport).where(CommentReport.user_id == user_id)).all() == []
    # Public content stays, anonymous; the petition stays as a record.
    shown = client.get(f"/api/v1/reports/{report.id}")
    assert shown.status_code == 200 and NAME not in shown.get_data(as_text=True)
    assert client.get(f"/api/v1/proposals/{proposal.id}").status_code == 200
    assert client.get(f"/reports/{report.id}").status_code == 200
    kept = db.session.get(Petition, petition.id)
    assert kept.body and kept.petitioner_id == user_id and kept.contact_phone is None
    login(client, EMAIL)  # the old e-mail and password sign nobody in
    assert client.get("/account").status_code == 302


def test_delete_me_over_the_api(app, client, departments):
    user, report, petition, proposal = _build(departments)
    headers = bearer(user)
    assert client.delete("/api/v1/me", headers=headers).status_code == 204
    _check_deleted(client, user.id, report, petition, proposal)
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_delete_page_needs_confirmation_and_csrf(app, client, departments):
    app.config["WTF_CSRF_ENABLED"] = True
    user, report, petition, proposal = _build(departments)
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": EMAIL, "password": "correct horse battery",
                                "csrf_token": csrf_token_from(page)})
    form = client.get("/account/delete")
    assert form.status_code == 200
    token = csrf_token_from(form.get_data(as_text=True))
    assert client.post("/account/delete", data={"confirm": "y"}).status_code == 400  # no CSRF token
    assert client.post("/account/delete", data={"csrf_token": token}).status_code == 422  # not confirmed
    assert db.session.get(User, user.id).email == EMAIL
    response = client.post("/account/delete", data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 302
    _check_deleted(client, user.id, report, petition, proposal)
