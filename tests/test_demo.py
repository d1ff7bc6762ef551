"""``flask seed --demo``: realistic demo content through the services, one account per role,
idempotent, never by ``flask seed`` alone and never on a database with real accounts."""

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from civic.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from civic.accounts.models import User
from civic.alerts.models import Alert
from civic.db import utcnow
from civic.participation.models import Poll, Proposal
from civic.petitions.models import Petition
from civic.reports.models import CommunityMap, MapPoint, Report


@pytest.fixture
def app_config(app_config):
    app_config["PLACES_SEED_FILES"] = "/nonexistent.csv:toilet"  # the bundled places are not the point here
    return app_config


def counts(db):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Poll, Proposal, Report, CommunityMap, MapPoint, Alert, Petition)}


def test_seed_alone_loads_no_demo_content(runner, db):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert counts(db)["User"] == 0 and counts(db)["Poll"] == 0 and "demo" not in result.output


def test_demo_content_has_life_in_it(runner, db, app):
    from civic.accounts.service import authenticate

    result = runner.invoke(args=["seed", "--demo", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "accounts:" not in result.output  # --quiet: only the demo lines
    for role, email, *_ in DEMO_ACCOUNTS:
        assert email in result.output
        assert authenticate(email, DEMO_PASSWORD).role == role
    assert DEMO_PASSWORD in result.output

    now = utcnow()
    polls = list(db.session.scalars(select(Poll)))
    states = Counter(p.state(now) for p in polls)
    assert states["open"] >= 2 and states["closed"] >= 1
    statuses = Counter(p.status for p in db.session.scalars(select(Proposal)))
    assert statuses["submitted"] >= 1 and statuses["published"] >= 1 and statuses["answered"] >= 1
    assert statuses["under_review"] >= 1
    alerts = list(db.session.scalars(select(Alert)))
    assert len(alerts) >= 3 and all(a.status == "sent" and not a.is_active(now) for a in alerts)
    maps = {m.title: m for m in db.session.scalars(select(CommunityMap))}
    assert {"휠체어로 갈 수 있는 화장실", "여성 안심 귀갓길"} <= set(maps)
    assert all(m.slug.startswith("map-") for m in maps.values())
    points = Counter(p.map_id for p in db.session.scalars(select(MapPoint)) if p.state == "published")
    assert all(points[m.id] >= 3 for m in maps.values())
    report_states = Counter(r.status for r in db.session.scalars(select(Report)))
    assert len(report_states) >= 4  # open, acknowledged, in progress, closed
    assert db.session.scalar(select(func.count()).select_from(Petition)) >= 2


def test_demo_is_idempotent(runner, db):
    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    first = counts(db)
    again = runner.invoke(args=["seed", "--demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert counts(db) == first


def test_demo_is_refused_next_to_real_accounts(runner, db, departments):
    from tests.factories import make_user

    make_user(email="real.person@example.org")
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0 and "skipped" in result.output
    assert counts(db)["Poll"] == 0 and DEMO_PASSWORD not in result.output


def test_departments_list(runner, departments):
    result = runner.invoke(args=["departments", "list"])
    assert result.exit_code == 0
    assert "ROADS\t도로관리과\tRoad Management Division" in result.output.splitlines()
    assert "GU-11680\t강남구청\tGangnam-gu Office" in result.output.splitlines()


def _signs_in(client, email: str, password: str) -> bool:
    response = client.post("/login", data={"email": email, "password": password})
    return response.status_code in (302, 303)


def test_first_real_sign_up_disables_every_demo_account(runner, db, app, caplog):
    """The demo password is published: once a real person has an account, no demo account can
    sign in, keep a session or use a token."""
    from civic.accounts import consent, service

    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    demo_client, other = app.test_client(), app.test_client()
    citizen_email = DEMO_ACCOUNTS[0][1]
    assert _signs_in(demo_client, citizen_email, DEMO_PASSWORD)
    token = service.issue_token(service.find_user_by_email(citizen_email))
    assert demo_client.get("/account").status_code == 200
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    response = other.post("/register", data={"email": "real.person@example.org", "password": "correct horse battery",
                                             "display_name": "홍길동", "privacy_consent": "y",
                                             "consent_version": consent.CURRENT_VERSION})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]  # "check your e-mail"

    db.session.expire_all()
    demo = db.session.scalars(select(User).where(User.email.like("%demo.civic.example"))).all()
    assert demo and not any(user.is_active for user in demo)
    assert demo_client.get("/account").status_code in (302, 303, 401)   # the old session is gone
    assert other.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert not _signs_in(app.test_client(), citizen_email, DEMO_PASSWORD)
    assert "demo accounts can no longer sign in" in caplog.text
    assert db.session.scalar(select(User).where(User.email == "real.person@example.org")).is_active


def test_an_account_made_on_the_command_line_disables_demo_accounts_too(runner, db, departments):
    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    result = runner.invoke(args=["users", "create", "admin@seoul.example", "--role", "admin"],
                           input="correct horse battery\ncorrect horse battery\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not any(user.is_active for user in db.session.scalars(
        select(User).where(User.email.like("%@demo.civic.example"))))


def test_demo_alerts_fit_the_season_and_are_not_all_sent_at_the_same_minute():

    from civic.alerts.demo import seasonal_alerts

    november = {row[4] for row in seasonal_alerts(date(2026, 11, 20))}
    assert "heat_wave" not in november and "heavy_rain" not in november
    assert {"heavy_snow", "fine_dust", "fire"} <= november
    august = {row[4] for row in seasonal_alerts(date(2026, 8, 10))}
    assert {"heat_wave", "heavy_rain"} <= august and "heavy_snow" not in august


def test_seeded_demo_alerts_carry_varied_local_times(runner, db):
    from civic.timezone import to_local

    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    sent = [to_local(a.sent_at) for a in db.session.scalars(select(Alert)) if a.sent_at]
    assert len(sent) >= 2 and len({(t.hour, t.minute) for t in sent}) == len(sent)


def test_the_alert_in_force_of_the_screenshots_fits_the_season(app):

    from civic.alerts.demo import alert_in_force
    from civic.alerts.service import validate_alert

    assert alert_in_force(date(2026, 12, 7))["type"] == "heavy_snow"
    assert alert_in_force(date(2026, 7, 20))["type"] == "heavy_rain"
    assert alert_in_force(date(2026, 4, 10))["type"] == "fine_dust"
    assert alert_in_force(date(2026, 10, 5))["type"] == "fire"   # no season of its own: the all-year one
    december = alert_in_force(date(2026, 12, 7))
    assert len(december["districts"]) == 25 and validate_alert(december)["headline_ko"] == "대설 주의보"


def test_demo_polls_open_and_close_at_staff_times_on_different_days(runner, db):
    from civic.timezone import to_local

    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    now = utcnow()
    polls = list(db.session.scalars(select(Poll)))
    closes = [to_local(p.closes_at) for p in polls]
    assert all((t.hour, t.minute) in ((18, 0), (23, 59)) for t in closes)
    assert len({t.date() for t in closes}) == len(polls)
    assert all((to_local(p.opens_at).hour, to_local(p.opens_at).minute) in ((9, 0), (10, 0)) for p in polls)
    assert all(p.opens_at < p.closes_at for p in polls)
    assert Counter(p.state(now) for p in polls) == {"open": 3, "closed": 2}


def test_the_demo_staff_member_has_work_in_their_queue(runner, db):
    """staff@demo.civic.example (도로관리과) finds petitions and reports in the queue, routed there by
    the real rules (road petitions go to the district office, which hands city roads over)."""
    from civic.accounts.service import find_user_by_email
    from civic.petitions import answer_templates, triage
    from civic.reports import handling, service

    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    staff = find_user_by_email("staff@demo.civic.example")
    petitions = triage.queue(staff).items
    assert petitions and all(p.department.code == "ROADS" for p in petitions)
    assert all(p.events[0].to_department.code.startswith("GU-") for p in petitions)   # routed to the 구청 first
    assert any(p.assignee_id == staff.id for p in petitions) and any(p.assignee_id is None for p in petitions)
    reports = handling.staff_reports(staff, service.ReportFilters(status=None), 1).items
    assert reports and all(r.department.code == "ROADS" for r in reports)
    assert len(answer_templates.templates(staff)[1]) >= 2


def test_demo_items_are_dated_at_their_own_times_and_staff_act_on_working_days(runner, db):
    """Reports, their updates, petitions, proposals and comments each at their own minute in the
    days before the seed (not all "방금"), staff updates on working days, and no update
    announcing works on a date already past."""
    import re

    from civic.participation.models import ProposalComment
    from civic.reports.models import ReportUpdate
    from civic.timezone import is_working_day, local_now, to_local

    assert runner.invoke(args=["seed", "--demo"]).exit_code == 0
    now = utcnow()
    for model in (Report, ReportUpdate, Petition, Proposal, ProposalComment):
        made = [to_local(row.created_at) for row in db.session.scalars(select(model))]
        assert len({(t.date(), t.hour, t.minute) for t in made}) == len(made), model.__name__
        assert all(t < to_local(now) - timedelta(hours=1) for t in made), model.__name__
    updates = list(db.session.scalars(select(ReportUpdate)))
    assert all(is_working_day(to_local(u.created_at).date()) for u in updates)
    assert all(u.created_at > u.report.created_at for u in updates)
    today = local_now().date()
    for update in updates:
        for month, day in re.findall(r"(\d+)월 (\d+)일", update.text):
            announced = date(today.year + (int(month) < today.month), int(month), int(day))
            assert announced > today, update.text
