"""``flask stats check``: recount every aggregate from the tables and list where the stored
counters differ, without writing anything."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from civic.extensions import db
from civic.stats import models as m
from civic.stats.recount import recount


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    expected: Any  # from the tables (None: no such row should exist)
    stored: Any    # in the aggregates (None: the row is missing)

    def __str__(self) -> str:
        return f"{self.table} {' '.join(map(str, self.key))}: counted {self.expected}, stored {self.stored}"


def check() -> list[Difference]:
    try:
        result = recount()
        stored: Counter = Counter()
        for row in db.session.execute(select(m.StatCount.metric, m.StatCount.day, m.StatCount.k1, m.StatCount.k2,
                                             m.StatCount.k3, m.StatCount.n)):
            stored[(row.metric, row.day, row.k1, row.k2, row.k3)] += row.n
        stored_open = {row.petition_id: (row.department_id, row.due_at) for row in db.session.execute(
            select(m.OpenPetition.petition_id, m.OpenPetition.department_id, m.OpenPetition.due_at))}
    finally:
        db.session.rollback()  # read only
    differences = [Difference(m.StatCount.__tablename__, key, result.counts.get(key, 0), stored.get(key, 0))
                   for key in sorted(set(result.counts) | set(stored), key=str)
                   if result.counts.get(key, 0) != stored.get(key, 0)]
    differences += [Difference(m.OpenPetition.__tablename__, (pid,), result.open_petitions.get(pid),
                               stored_open.get(pid))
                    for pid in sorted(set(result.open_petitions) | set(stored_open))
                    if result.open_petitions.get(pid) != stored_open.get(pid)]
    return differences
