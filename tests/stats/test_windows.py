"""The window rollups: kept in step by every delta, slid day by day, and always the same sums as
the day counters they roll up (so a dashboard reads a few thousand rows, never a year of days)."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.stats import models as m
from civic.stats import service, windows
from civic.stats.rebuild import expected_counts, rebuild
from civic.stats.tracking import apply_deltas, local_day
from tests.stats.test_figures import counters, make_participation, make_petitions, make_reports

METRICS = (m.PETITION_RECEIVED, m.PETITION_ANSWER_DAYS, m.REPORT_SERVICE, m.POLL_VOTES)


def random_deltas(rng: random.Random, today: date, count: int) -> Counter:
    deltas: Counter = Counter()
    for _ in range(count):
        day = today - timedelta(days=rng.randrange(-1, 420))
        key = (rng.choice(METRICS), day, str(rng.randrange(4)), str(rng.randrange(3)), "")
        deltas[key] += rng.choice((1, 1, 2, -1))
    return deltas


def day_counter_sums(days: int, until: date) -> dict:
    since = until - timedelta(days=days - 1)
    totals: Counter = Counter()
    for row in db.session.scalars(select(m.StatCount).where(m.StatCount.metric.in_(METRICS))):
        if since <= row.day <= until:
            totals[(row.metric, row.k1, row.k2)] += row.n
    return {k: n for k, n in totals.items() if n}


def window_sums(days: int, until: date, **kwargs) -> dict:
    return {(metric, k1, k2): int(n) for metric, k1, k2, n in windows.sums(METRICS, days, until, **kwargs) if n}


def test_window_sums_equal_the_day_counters_whatever_the_stored_start(app):
    rng, today = random.Random(20), local_day(utcnow())
    with unit_of_work():
        apply_deltas(db.session.connection(), random_deltas(rng, today, 600))
    # Before any window is stored, the day counters are read.
    assert windows.starts(db.session.connection()) == {}
    for days in windows.WINDOWS:
        assert window_sums(days, today) == day_counter_sums(days, today)
    with unit_of_work():
        windows.move(db.session.connection(), today - timedelta(days=3))  # as left three days ago
    with unit_of_work():
        apply_deltas(db.session.connection(), random_deltas(rng, today, 300))  # kept in step
    assert windows.check(db.session.connection()) == []
    for days in windows.WINDOWS:
        for until in (today, today - timedelta(days=1), today - timedelta(days=40), today + timedelta(days=1)):
            assert window_sums(days, until) == day_counter_sums(days, until), (days, until)
            assert window_sums(days, until, rollups=False) == day_counter_sums(days, until)
    windows.catch_up(today)
    connection = db.session.connection()
    assert windows.starts(connection) == {d: today - timedelta(days=d - 1) for d in windows.WINDOWS}
    assert windows.check(connection) == []
    assert db.session.scalar(select(m.StatWindow).where(m.StatWindow.n == 0)) is None
    for days in windows.WINDOWS:
        assert window_sums(days, today) == day_counter_sums(days, today)


def test_a_window_far_behind_is_built_again(app):
    rng, today = random.Random(21), local_day(utcnow())
    with unit_of_work():
        apply_deltas(db.session.connection(), random_deltas(rng, today, 400))
    with unit_of_work():
        windows.move(db.session.connection(), today - timedelta(days=200))
    windows.catch_up(today)
    assert windows.check(db.session.connection()) == []
    for days in windows.WINDOWS:
        assert window_sums(days, today) == day_counter_sums(days, today)


def test_events_keep_the_windows_and_rebuild_agrees(app, world):
    service.figures(30)  # the first dashboard stores the windows
    assert set(windows.starts(db.session.connection())) == set(windows.WINDOWS)
    make_petitions(world)
    make_reports(world)
    make_participation(app)
    connection = db.session.connection()
    assert db.session.scalar(select(m.StatWindow.n).where(m.StatWindow.days == 30,
                                                         m.StatWindow.metric == m.PETITION_RECEIVED).limit(1))
    assert windows.check(connection) == []
    now = utcnow()
    for days in windows.WINDOWS:
        rolled = service.compute_figures(days, None, now)
        daily = service.compute_figures(days, None, now, rollups=False)
        assert rolled == daily
    incremental = counters()
    assert {(k[0], k[1], k[2], k[3], k[4], n) for k, n in expected_counts().items() if n} == set(incremental)
    counts = rebuild()
    assert counters() == incremental
    assert counts["stat_windows"] > 0 and windows.check(db.session.connection()) == []


def test_rebuild_waits_for_transactions_applying_deltas(app, world):
    """PostgreSQL: a recount while the site writes counts nothing twice. A transaction that has
    applied deltas holds the shared statistics lock; rebuild waits for it, then recounts what it
    committed (here a delta with no row behind it, which the recount must drop)."""
    import threading
    import time

    import pytest

    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite has one writer at a time")
    make_petitions(world)
    ghost = (m.PETITION_RECEIVED, local_day(utcnow()), "999999", "", "")
    writer = db.engine.connect()
    transaction = writer.begin()
    apply_deltas(writer, Counter({ghost: 1}))
    done = threading.Event()

    def recount():
        with app.app_context():
            rebuild()
            db.session.remove()
        done.set()

    thread = threading.Thread(target=recount)
    thread.start()
    time.sleep(1.5)
    assert not done.is_set()  # waiting for the writer
    transaction.commit()
    writer.close()
    thread.join(60)
    assert done.is_set()
    db.session.expire_all()
    assert all(key[2] != "999999" for key in counters())
    assert {(k[0], k[1], k[2], k[3], k[4], n) for k, n in expected_counts().items() if n} == set(counters())
    assert windows.check(db.session.connection()) == []


@pytest.mark.parametrize("zone", ["Asia/Seoul", "Europe/Berlin", "America/St_Johns"])
def test_rebuild_gives_each_moment_the_local_day_tracking_gives(app, zone):
    """The recount's SQL local day (PostgreSQL's time zones; on SQLite a fixed offset or the
    calendar lookup for zones with daylight saving) is ``tracking.local_day`` at midnights and
    across daylight-saving changes."""
    from datetime import UTC, datetime

    from sqlalchemy import literal

    from civic.db import UTCDateTime
    from civic.stats import rebuild as recount

    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    moments = [datetime(2026, 3, 28, 22, 59, 59, 900000, UTC), datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
               datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
               datetime(2026, 3, 29, 21, 59, 59, tzinfo=UTC), datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
               datetime(2026, 10, 25, 22, 59, tzinfo=UTC), datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
               datetime(2026, 11, 8, 3, 29, tzinfo=UTC), datetime(2026, 11, 8, 3, 31, tzinfo=UTC),
               datetime(2026, 12, 31, 14, 59, 59, tzinfo=UTC), datetime(2026, 12, 31, 15, 0, tzinfo=UTC)]
    connection = db.session.connection()
    with connection.begin_nested() as savepoint:
        day_of = recount._prepare(connection, extra=moments)
        for moment in moments:
            got = connection.execute(select(day_of(literal(moment, UTCDateTime())))).scalar_one()
            got = got if isinstance(got, date) else date.fromisoformat(str(got))
            assert got == local_day(moment), (zone, moment)
        savepoint.rollback()
