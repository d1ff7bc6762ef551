"""The domain-event core: in-transaction handlers commit or roll back with the use case;
after-commit handlers run as jobs only once the facts are committed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from civic import events
from civic.db import unit_of_work

SEEN: list = []


def record_after_commit(event):
    SEEN.append(event)


@pytest.fixture(autouse=True)
def _clear():
    SEEN.clear()
    yield
    SEEN.clear()


def _fact(n: int = 1) -> events.PetitionAnswered:
    return events.PetitionAnswered(petition_id=n, department_id=1, answered_at=datetime(2026, 12, 7, tzinfo=UTC))


def test_in_transaction_handler_runs_before_commit_and_after_commit_handler_after(app, db):
    order: list[str] = []

    def in_tx(event):
        order.append(f"in:{event.petition_id}")
        assert SEEN == [], "after-commit handlers run only after the in-transaction ones"

    events.subscribe(app, events.PetitionAnswered, in_tx)
    events.subscribe(app, events.PetitionAnswered, record_after_commit, after_commit=True)
    with unit_of_work():
        events.emit(_fact(7))
        assert order == [] and SEEN == []
    assert order == ["in:7"]
    assert SEEN == [_fact(7)]


def test_rollback_drops_events(app, db):
    events.subscribe(app, events.PetitionAnswered, record_after_commit, after_commit=True)
    with pytest.raises(RuntimeError), unit_of_work():
        events.emit(_fact())
        raise RuntimeError("use case failed")
    with unit_of_work():
        pass
    assert SEEN == []


def test_failing_in_transaction_handler_rolls_the_use_case_back(app, db):
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS events_probe (n INTEGER)"))
    try:
        def boom(event):
            raise ValueError("counter failed")

        events.subscribe(app, events.PetitionAnswered, boom)
        events.subscribe(app, events.PetitionAnswered, record_after_commit, after_commit=True)
        with pytest.raises(ValueError), unit_of_work() as session:
            session.execute(text("INSERT INTO events_probe (n) VALUES (1)"))
            events.emit(_fact())
        assert db.session.scalar(text("SELECT count(*) FROM events_probe")) == 0
        assert SEEN == []
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE events_probe"))


def test_handlers_may_emit_follow_up_events(app, db):
    def chain(event):
        events.emit(events.ProposalResponded(proposal_id=event.petition_id, responded_at=event.answered_at))

    events.subscribe(app, events.PetitionAnswered, chain)
    events.subscribe(app, events.ProposalResponded, record_after_commit, after_commit=True)
    with unit_of_work():
        events.emit(_fact(3))
    assert [type(e).__name__ for e in SEEN] == ["ProposalResponded"]


def test_failing_after_commit_handler_never_undoes_the_fact(app, db, caplog):
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS events_probe (n INTEGER)"))
    try:
        events.subscribe(app, events.PetitionAnswered, failing_after_commit, after_commit=True)
        with unit_of_work() as session:
            session.execute(text("INSERT INTO events_probe (n) VALUES (1)"))
            events.emit(_fact())
        assert db.session.scalar(select(text("count(*)")).select_from(text("events_probe"))) == 1
        assert "failing_after_commit" in caplog.text
    finally:
        db.session.rollback()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE events_probe"))


def failing_after_commit(event):
    raise OSError("mail relay down")


def test_after_commit_handlers_must_be_importable(app):
    with pytest.raises(ValueError):
        events.subscribe(app, events.PetitionAnswered, lambda e: None, after_commit=True)
