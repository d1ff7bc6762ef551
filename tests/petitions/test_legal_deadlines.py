"""The legal deadline end to end: filing gives it, the API and pages publish it, the queue's
due-soon window and the statistics' "answered on time" use the same one."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from civic.extensions import db
from civic.petitions import service, triage
from civic.stats import models as stat_models
from tests.conftest import login
from tests.factories import bearer

SEOUL = ZoneInfo("Asia/Seoul")
EN = {"Accept-Language": "en"}


class Clock:
    """The services' clock (``utcnow``), set by the test."""

    def __init__(self, monkeypatch):
        self.now = datetime.now(UTC)
        for module in ("civic.petitions.service", "civic.petitions.triage"):
            monkeypatch.setattr(f"{module}.utcnow", lambda: self.now)

    def set(self, *local) -> None:
        self.now = datetime(*local, tzinfo=SEOUL).astimezone(UTC)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def on_time_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.coalesce(func.sum(stat_models.StatCount.n), 0))
                             .where(stat_models.StatCount.metric == stat_models.PETITION_ON_TIME))


def test_filing_gives_the_legal_deadline_and_stats_use_it(app, people, clock):
    clock.set(2026, 12, 8, 1, 27)          # Tuesday 8 December, 01:27
    seven = service.file_petition(people.citizen, type_code="general", title="A", body="Seven days.")
    late = service.file_petition(people.citizen, type_code="general", title="B", body="Seven days.")
    three = service.file_petition(people.citizen, type_code="parking", district="11440", title="C",
                                  body="Three days.")
    assert seven.due_at.astimezone(SEOUL) == datetime(2026, 12, 16, 18, 0, tzinfo=SEOUL)
    assert three.due_at.astimezone(SEOUL) == datetime(2026, 12, 10, 18, 0, tzinfo=SEOUL)   # 24 working hours
    admin = people.admin
    clock.set(2026, 12, 16, 17, 59)
    triage.answer(admin, seven.receipt_no, "Done on the last day.")
    assert on_time_count() == 1
    clock.set(2026, 12, 17, 10, 0)         # on time by the old count (Thursday 18:00), late by the law
    triage.answer(admin, late.receipt_no, "Done a day late.")
    assert on_time_count() == 1


def test_the_api_and_pages_publish_the_deadline_and_how_it_is_counted(app, client, people, clock):
    clock.set(2026, 12, 8, 1, 27)
    petition = service.file_petition(people.citizen, type_code="parking", district="11440", title="Car",
                                     body="On the pavement.")
    types = {t["code"]: t for t in client.get("/api/v1/petitions/types").get_json()}
    assert types["parking"]["deadline"] == {"amount": 3, "unit": "days", "counting": "working_hours",
                                            "working_hours": 24}
    assert types["housing"]["deadline"]["counting"] == "working_days"
    data = client.get(f"/api/v1/petitions/{petition.receipt_no}", headers=bearer(people.citizen)).get_json()
    assert data["due_at"].startswith("2026-12-10T09:00:00")      # 18:00 in Seoul
    assert data["deadline"]["counting"] == "working_hours"
    login(client, "citizen@example.org")
    html = client.get(f"/petitions/{petition.receipt_no}", headers=EN).get_data(as_text=True)
    assert "3 days (24 working hours from receipt)" in html
    new = client.get("/petitions/new", headers=EN).get_data(as_text=True)
    assert "14 days, counting the day of receipt" in new


def test_due_soon_counts_working_hours(app, client, people, clock):
    clock.set(2026, 12, 11, 16, 0)
    petition = service.file_petition(people.citizen, type_code="general", title="Weekend", body="Soon.")
    petition.due_at = datetime(2026, 12, 14, 16, 30, tzinfo=SEOUL).astimezone(UTC)   # Monday 16:30
    db.session.commit()
    friday_evening = datetime(2026, 12, 11, 17, 0, tzinfo=SEOUL).astimezone(UTC)
    # 8 working hours from Friday 17:00 reach Monday 17:00: already due soon, though 71 hours away.
    assert service.flags(petition, friday_evening) == {"overdue": False, "due_soon": True}
    thursday = datetime(2026, 12, 10, 17, 0, tzinfo=SEOUL).astimezone(UTC)
    assert service.flags(petition, thursday) == {"overdue": False, "due_soon": False}
