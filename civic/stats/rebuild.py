"""Recompute every statistics aggregate from the tables (``flask stats rebuild``).

The aggregates are kept up to date by ``tracking.py`` from the domain events; this is for data
that arrived around them (bulk imports, the benchmark, ``CountsBypassed``) and for a first
install. It recounts with the same key functions (``recount.py``), replaces the day counters and
the open-petitions mirror in one transaction, and moves the window totals (``windows.py``) from
the new counters. On PostgreSQL it takes the statistics lock exclusively (every ``apply_deltas``
holds it shared): a use case committing meanwhile waits for the rebuild and then adds its own
deltas, so a rebuild can run while the site is live.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select

from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.stats import models as m
from civic.stats import windows
from civic.stats.recount import recount

CHUNK = 5000


def expected_counts() -> Counter:
    """What the day counters must hold, recounted from the tables (nothing written)."""
    return recount().counts


def rebuild() -> dict[str, int]:
    """Replace the aggregates with a fresh count; returns rows written per table."""
    from civic.stats.keys import local_day

    with unit_of_work():
        connection = db.session.connection()
        windows.exclusive_lock(connection)
        result = recount()
        rows = [{"metric": k[0], "day": k[1], "k1": k[2], "k2": k[3], "k3": k[4], "n": n}
                for k, n in sorted(result.counts.items()) if n]
        open_rows = [{"petition_id": pid, "department_id": dept, "due_at": due}
                     for pid, (dept, due) in sorted(result.open_petitions.items())]
        connection.execute(delete(m.StatCount))
        connection.execute(delete(m.OpenPetition))
        for start in range(0, len(rows), CHUNK):
            connection.execute(m.StatCount.__table__.insert(), rows[start:start + CHUNK])
        for start in range(0, len(open_rows), CHUNK):
            connection.execute(m.OpenPetition.__table__.insert(), open_rows[start:start + CHUNK])
        windows.move(connection, local_day(utcnow()), rebuild=True)
        stat_windows = connection.execute(select(func.count()).select_from(m.StatWindow)).scalar_one()
    return {"stat_counts": len(rows), "stat_open_petitions": len(open_rows), "stat_windows": stat_windows}
