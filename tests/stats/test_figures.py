"""The figures on /stats match a direct count of the tables (both databases), and the counters
kept as events happen equal a full recount."""

import statistics
from datetime import UTC, date, datetime, timedelta

import holidays
from sqlalchemy import select

from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.petitions.models import OPEN_STATUSES, Petition
from civic.reports.models import Report
from civic.stats import service
from civic.stats.models import OpenPetition, StatCount
from civic.stats.rebuild import rebuild
from civic.stats.tracking import working_days
from tests.factories import make_user

GANGNAM, JONGNO = (37.5125, 127.0590), (37.5704, 126.9920)


def counters():
    db.session.expire_all()
    return sorted((r.metric, r.day, r.k1, r.k2, r.k3, r.n) for r in db.session.scalars(select(StatCount)) if r.n)


def make_petitions(world):
    from civic.petitions import service as petitions
    from civic.petitions import triage

    citizens = [make_user() for _ in range(3)]
    parks = make_user("staff", "PARKS")
    roads = make_user("staff", "ROADS")
    filed = [petitions.file_petition(citizens[i % 3], type_code="parks", title=f"Bench {i}", body="Broken.")
             for i in range(11)]
    # Late answers: the deadline already passed when the answer came.
    with unit_of_work():
        for petition in filed[:2]:
            petition.due_at = utcnow() - timedelta(hours=1)
    for petition in filed[:8]:
        triage.answer(parks, petition.receipt_no, "Repaired.")
    triage.transfer(parks, filed[8].receipt_no, "ROADS", "A road matter.")
    triage.assign(roads, filed[8].receipt_no, roads.id)
    with unit_of_work():
        filed[9].due_at = utcnow() - timedelta(minutes=5)  # overdue now
    petitions.withdraw(filed[10].petitioner, filed[10].receipt_no, "Solved myself.")
    return filed


def make_reports(world):
    from civic.reports import handling
    from civic.reports import service as reports

    staff = make_user("department_admin", "ROADS")
    reporter = make_user()
    made = []
    for i in range(7):
        location = reports.resolve_location(*(GANGNAM if i < 6 else JONGNO))
        made.append(reports.create_report(service_code="pothole", location=location, reporter=reporter,
                                          attributes={"SIZE": "small"}))
    for report in made[:5]:
        handling.post_update(staff, db.session.get(Report, report.id), status="closed", close_reason="fixed")
    handling.post_update(staff, db.session.get(Report, made[5].id), status="in_progress")
    return made


def make_participation(app):
    from civic.participation import service as participation
    from tests.participation.builders import make_poll, make_proposal

    app.config["PROPOSAL_SUPPORT_THRESHOLD"] = 1
    proposal = make_proposal()
    participation.support(make_user(), proposal.id)
    db.session.expire_all()
    participation.respond(make_user("staff", db.session.get(type(proposal), proposal.id).department.code),
                          proposal.id, "accepted", "We will build it next spring.")
    poll = make_poll()
    for _ in range(6):
        participation.cast_vote(make_user(), poll.id, poll.options[0].id)


def direct_petition_row(department_id, since_day, now):
    zone = "Asia/Seoul"
    from zoneinfo import ZoneInfo

    def day(moment):
        return moment.astimezone(ZoneInfo(zone)).date()

    rows = db.session.scalars(select(Petition).where(Petition.department_id == department_id)).all()
    received = [p for p in rows if day(p.created_at) >= since_day]
    answered = [p for p in rows if p.answered_at and day(p.answered_at) >= since_day]
    kr = holidays.country_holidays("KR")

    def wd(p):
        start, end, n = day(p.created_at), day(p.answered_at), 0
        while start < end:
            start += timedelta(days=1)
            n += start.weekday() < 5 and start not in kr
        return n

    return {"received": len(received), "answered": len(answered),
            "on_time": sum(p.answered_at <= p.due_at for p in answered),
            "median": statistics.median([wd(p) for p in answered]) if answered else None,
            "overdue": sum(p.status in OPEN_STATUSES and p.due_at < now for p in rows)}


def test_figures_match_a_direct_count(app, world):
    make_petitions(world)
    make_reports(world)
    make_participation(app)
    now = utcnow()
    figures = service.figures(90, now=now)
    by_code = {row["department"]["code"]: row for row in figures.petitions}

    parks = direct_petition_row(world["PARKS"].id, figures.since, now)
    assert parks == {"received": 10, "answered": 8, "on_time": 6, "median": 0, "overdue": 1}
    row = by_code["PARKS"]
    assert (row["received"], row["answered"], row["overdue"]) == (10, 8, "<5")
    assert row["median_working_days"] == parks["median"]
    assert row["answered_on_time_share"] == round(6 / 8, 3)
    roads = direct_petition_row(world["ROADS"].id, figures.since, now)
    assert roads["received"] == 1 and by_code["ROADS"]["received"] == "<5"
    assert by_code["ROADS"]["median_working_days"] is None  # no answers at all
    assert by_code["ROADS"]["withheld"]["median_working_days"] == "no_cases"
    assert by_code["ROADS"]["answered"] == 0 and by_code["ROADS"]["overdue"] == 0
    # ROADS is hidden ("<5"), so the total is the lower bound the table gives, never the exact 11.
    assert figures.petition_totals["received"] == "≥ 11"

    by_district = {r["district"]["code"]: r["reports"] for r in figures.reports_by_district}
    assert by_district["11680"] == 6 and by_district["11110"] == "<5" and by_district["11440"] == 0
    pothole = next(r for r in figures.reports_by_service if r["service"]["code"] == "pothole")
    assert (pothole["reports"], pothole["fixed"], pothole["median_days_to_fix"]) == (7, 5, 0)
    statuses = {r["status"]: r["reports"] for r in figures.reports_by_status}
    direct = {s: db.session.query(Report).filter_by(status=s).count() for s in statuses}
    assert direct == {"open": 1, "acknowledged": 0, "in_progress": 1, "closed": 5}
    assert statuses == {"open": "<5", "acknowledged": 0, "in_progress": "<5", "closed": 5}

    assert figures.proposal_totals == {"reached_threshold": "≥ 1", "responded": "≥ 1", "responded_on_time": "≥ 1"}
    assert figures.proposals[0]["reached_threshold"] == "<5"
    assert all(r["reached_threshold"] == 0 for r in figures.proposals[1:])
    assert figures.poll_totals["votes"] == 6 and figures.polls[0]["votes"] == 6
    assert sum(n for _, n in figures.weekly) == 11

    # Overdue mirrors the open petitions exactly.
    open_ids = {p.id for p in db.session.scalars(select(Petition).where(Petition.status.in_(OPEN_STATUSES)))}
    assert {o.petition_id for o in db.session.scalars(select(OpenPetition))} == open_ids


def test_counters_kept_as_events_happen_equal_a_full_recount(app, world):
    make_petitions(world)
    make_reports(world)
    make_participation(app)
    incremental = counters()
    assert incremental
    rebuild()
    assert counters() == incremental


def test_windows_and_suppression(app, world):
    import pytest

    from civic.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        service.figures(31)
    assert service.cell(4) == "<5" and service.cell(1) == "<5" and service.cell(5) == 5 and service.cell(0) == 0
    assert service.median_of({0: 1, 2: 1, 7: 2}) == 4.5 and service.median_of({}) is None


def test_working_days_skip_weekends_and_holidays(app):
    friday = datetime(2026, 9, 18, 1, tzinfo=UTC)  # Friday in Seoul
    assert working_days(friday, friday) == 0
    assert working_days(friday, friday + timedelta(days=3)) == 1  # Monday
    # Chuseok 2026 (24–26 Sept, Thursday–Saturday): Tuesday 22nd to Monday 28th = 23rd, 28th.
    tuesday = datetime(2026, 9, 22, 1, tzinfo=UTC)
    assert working_days(tuesday, tuesday + timedelta(days=6)) == 2
    assert date(2026, 9, 25) in holidays.country_holidays("KR")
