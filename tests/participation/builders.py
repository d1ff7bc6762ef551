"""Participation test data, made through the service so its rules apply."""

from __future__ import annotations

from datetime import timedelta

from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.participation import service
from civic.participation.models import Poll
from tests.factories import make_user


def make_staff(department: str = "CITIZEN-COMM"):
    return make_user("staff", department=department)


def make_poll(staff=None, *, options=("Yes", "No"), **kwargs):
    staff = staff or make_staff()
    now = utcnow()
    values = {"question_ko": "한강 공원에 야간 조명을 늘릴까요?",
              "question_en": "More night lighting in Han River parks?",
              "opens_at": now - timedelta(minutes=1), "closes_at": now + timedelta(days=7)}
    values.update(kwargs)
    return service.create_poll(staff, options=list(options), **values)


def close_now(poll: Poll) -> None:
    """Move a poll's window into the past (tests only: staff close with ``close_poll``)."""
    with unit_of_work():
        poll.opens_at = utcnow() - timedelta(days=2)
        poll.closes_at = utcnow() - timedelta(seconds=1)


def make_proposal(author=None, *, publish=True, staff=None, category="transport", **kwargs):
    author = author or make_user()
    values = {"title": "버스 정류장에 그늘막을 설치해 주세요",
              "body": "여름철 버스를 기다리는 시민들이 햇볕에 오래 노출됩니다. 그늘막을 설치해 주세요.",
              "category": category}
    values.update(kwargs)
    proposal = service.create_proposal(author, **values)
    if publish:
        service.publish_proposal(staff or make_staff(), proposal.id)
    db.session.refresh(proposal)
    return proposal
