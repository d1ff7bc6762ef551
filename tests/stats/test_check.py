"""`flask stats check` recounts from the tables and reports drift; the counters follow deletes,
re-classification and the city's holiday calendar; tracking and rebuild agree."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from civic.db import unit_of_work
from civic.extensions import db
from civic.reports.models import Report
from civic.stats import keys, tracking
from civic.stats import models as m
from civic.stats.check import check
from civic.stats.rebuild import rebuild
from tests.factories import make_user
from tests.stats.test_figures import counters, make_participation, make_petitions, make_reports


def run_check(app):
    result = app.test_cli_runner().invoke(args=["stats", "check"])
    return result.exit_code, result.output


def test_normal_flows_leave_nothing_for_check_to_report(app, world):
    make_petitions(world)
    make_reports(world)
    make_participation(app)
    assert check() == []
    code, output = run_check(app)
    assert code == 0, output
    assert "statistics match the tables" in output


def test_planted_drift_is_reported_and_nothing_is_written(app, world):
    filed = make_petitions(world)
    make_reports(world)
    before = counters()
    key = next(row for row in before if row[0] == m.PETITION_RECEIVED)
    with unit_of_work():
        db.session.execute(update(m.StatCount).where(
            m.StatCount.metric == key[0], m.StatCount.day == key[1], m.StatCount.k1 == key[2])
            .values(n=m.StatCount.n + 3))
        # An open petition lost from the mirror, and a report counted under a status it left.
        db.session.execute(m.OpenPetition.__table__.delete().where(m.OpenPetition.petition_id == filed[9].id))
    planted = counters()

    code, output = run_check(app)
    assert code == 1
    assert f"stat_counts petition.received {key[1]} {key[2]}" in output
    assert f"counted {key[5]}, stored {key[5] + 3}" in output
    assert f"stat_open_petitions {filed[9].id}: counted (" in output and "stored None" in output
    assert "2 difference(s)" in output
    assert counters() == planted  # check wrote nothing

    rebuild()
    assert counters() == before
    assert run_check(app)[0] == 0


def test_counts_follow_reclassification_and_removal(app, world):
    from civic.reports import handling

    made = make_reports(world)
    admin = make_user("admin")
    fixed = db.session.get(Report, made[0].id)
    gangnam_before = district_total("11680")
    handling.reclassify(admin, fixed, service_code="streetlight", district_code="11110")
    assert district_total("11680") == gangnam_before - 1 and district_total("11110") == 2
    assert service_fixes(fixed.service_id) == 1
    assert check() == []

    handling.remove_report(admin, db.session.get(Report, made[1].id), "Personal data in the photo.")
    assert db.session.get(Report, made[1].id) is None
    assert district_total("11680") == gangnam_before - 2
    assert check() == []
    incremental = counters()
    rebuild()
    assert counters() == incremental


def test_answer_working_days_use_the_city_holiday_country(app):
    # Thanksgiving (Thursday 26 November 2026) is a public holiday in the United States, not in Korea.
    wednesday = datetime(2026, 11, 25, 1, tzinfo=UTC)
    friday = wednesday + timedelta(days=2)
    app.config["CIVIC_HOLIDAY_COUNTRY"] = "KR"
    assert tracking.working_days(wednesday, friday) == 2
    app.config["CIVIC_HOLIDAY_COUNTRY"] = "US"
    assert tracking.working_days(wednesday, friday) == 1


def test_the_recount_calendar_answers_like_the_timezone_functions(app):
    # The recount reads the zone and holiday country once (timezone.CityCalendar); it must date and
    # count like to_local / is_working_day, across a daylight-saving change and naive (SQLite) values.
    from civic import timezone

    app.config["BABEL_DEFAULT_TIMEZONE"] = "America/New_York"
    app.config["CIVIC_HOLIDAY_COUNTRY"] = "US"
    calendar = timezone.city_calendar()
    start = datetime(2026, 10, 30, 2, 30, tzinfo=UTC)  # still 29 October in New York
    first = timezone.to_local(start).date()
    for hours in range(0, 24 * 40, 7):
        moment = start + timedelta(hours=hours)
        for value in (moment, moment.replace(tzinfo=None)):
            assert calendar.local_day(value) == timezone.to_local(value).date()
        day = moment.date()
        assert calendar.is_working_day(day) == timezone.is_working_day(day)
        assert keys.working_days(start, moment, calendar) == keys.working_days(start, moment) == sum(
            timezone.is_working_day(first + timedelta(days=n))
            for n in range(1, (timezone.to_local(moment).date() - first).days + 1))


def test_answer_counter_is_keyed_by_the_holiday_country(app, world):
    from civic import events

    app.config["CIVIC_HOLIDAY_COUNTRY"] = "US"
    received = datetime(2026, 11, 25, 1, tzinfo=UTC)
    answered = events.PetitionFacts(department_id=world["PARKS"].id, status="answered", is_open=False,
                                    received_at=received, due_at=received + timedelta(days=9),
                                    answered_at=received + timedelta(days=2))
    days = {k[3] for k in keys.petition_counts(answered) if k[0] == m.PETITION_ANSWER_DAYS}
    assert days == {"1"}


def district_total(code: str) -> int:
    return sum(n for metric, _day, k1, _k2, _k3, n in counters() if metric == m.REPORT_DISTRICT and k1 == code)


def service_fixes(service_id: int) -> int:
    return sum(n for metric, _day, k1, _k2, _k3, n in counters()
               if metric == m.REPORT_FIX_DAYS and k1 == str(service_id))


def test_stats_import_no_other_feature_models():
    import ast
    from pathlib import Path

    features = {"accounts", "places", "reports", "petitions", "participation", "alerts", "notifications", "staff"}
    tracked = ("tracking.py", "keys.py", "recount.py", "rebuild.py", "check.py", "__init__.py", "models.py")
    for path in sorted(Path("civic/stats").glob("*.py")):
        if path.name not in tracked:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                assert not (len(parts) > 1 and parts[0] == "civic" and parts[1] in features), \
                    f"{path} imports {node.module}"



def test_a_bulk_statement_that_states_counts_bypassed_is_recounted_after_commit(app, world):
    from civic import events
    from civic.petitions.models import Petition

    make_petitions(world)
    parks, roads = world["PARKS"].id, world["ROADS"].id
    with unit_of_work():
        db.session.execute(update(Petition).where(Petition.department_id == parks).values(department_id=roads))
    assert check() != []  # a bulk move without events: the counters drifted
    with unit_of_work():
        db.session.execute(update(Petition).where(Petition.department_id == roads).values(department_id=parks))
        events.emit(events.CountsBypassed("petitions moved between departments"))
    assert check() == []


def test_a_deleted_petition_leaves_the_counters_and_the_open_mirror(app, world):
    from civic import events
    from civic.petitions.facts import facts
    from civic.petitions.models import Petition

    filed = make_petitions(world)
    gone = db.session.get(Petition, filed[9].id)  # open, overdue
    gone_id = gone.id
    assert db.session.get(m.OpenPetition, gone_id) is not None
    with unit_of_work():
        events.emit(events.PetitionDeleted(gone_id, before=facts(gone)))
        db.session.execute(Petition.__table__.delete().where(Petition.id == gone_id))  # (no service deletes yet)
    db.session.expunge_all()
    assert db.session.get(m.OpenPetition, gone_id) is None
    assert check() == []


def test_a_report_reopened_and_fixed_again_counts_one_fix_on_the_last_day(app, world):
    from civic.reports import handling

    made = make_reports(world)
    staff = make_user("department_admin", "ROADS")
    report = db.session.get(Report, made[0].id)  # closed as fixed by make_reports
    fixes = service_fixes(report.service_id)
    handling.post_update(staff, report, status="in_progress", text="The patch broke again.")
    assert service_fixes(report.service_id) == fixes - 1
    handling.post_update(staff, db.session.get(Report, made[0].id), status="closed", close_reason="fixed")
    assert service_fixes(report.service_id) == fixes
    assert check() == []
