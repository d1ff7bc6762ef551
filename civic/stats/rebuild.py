"""Recompute every statistics aggregate from the tables (``flask stats rebuild``).

The aggregates are kept up to date by ``tracking.py`` from the domain events; this is for data
that arrived around them (bulk imports, the benchmark, ``CountsBypassed``) and for a first
install. It recounts with the same key functions (``recount.py``) and replaces the counters in
one transaction. On PostgreSQL it first locks the two aggregate tables against writers: a use
case committing meanwhile waits for the rebuild and then adds its own deltas, so a rebuild can
run while the site is live.
"""

from __future__ import annotations

from sqlalchemy import delete, text

from civic.db import unit_of_work
from civic.extensions import db
from civic.stats import models as m
from civic.stats.recount import recount

CHUNK = 5000


def lock_aggregates() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"LOCK TABLE {m.StatCount.__tablename__}, {m.OpenPetition.__tablename__} "
                                "IN EXCLUSIVE MODE"))


def rebuild() -> dict[str, int]:
    """Replace the aggregates with a fresh count; returns rows written per table."""
    with unit_of_work():
        lock_aggregates()
        result = recount()
        rows = [{"metric": k[0], "day": k[1], "k1": k[2], "k2": k[3], "k3": k[4], "n": n}
                for k, n in sorted(result.counts.items()) if n]
        open_rows = [{"petition_id": pid, "department_id": dept, "due_at": due}
                     for pid, (dept, due) in sorted(result.open_petitions.items())]
        db.session.execute(delete(m.StatCount))
        db.session.execute(delete(m.OpenPetition))
        for start in range(0, len(rows), CHUNK):
            db.session.execute(m.StatCount.__table__.insert(), rows[start:start + CHUNK])
        for start in range(0, len(open_rows), CHUNK):
            db.session.execute(m.OpenPetition.__table__.insert(), open_rows[start:start + CHUNK])
    return {"stat_counts": len(rows), "stat_open_petitions": len(open_rows)}
