"""What the domain events of petitions say about a petition (``civic.events.PetitionFacts``):
its department, status, receipt, deadline and answer, before and after each use case."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from civic.events import PetitionFacts
from civic.extensions import db
from civic.petitions.models import OPEN_STATUSES, Petition


def facts(petition: Petition) -> PetitionFacts:
    return PetitionFacts(department_id=petition.department_id, status=petition.status,
                         is_open=petition.status in OPEN_STATUSES, received_at=petition.created_at,
                         due_at=petition.due_at, answered_at=petition.answered_at)


def snapshot() -> Iterator[tuple[int, PetitionFacts]]:
    """Every petition's facts, streamed (for a recount from the tables)."""
    query = select(Petition.id, Petition.department_id, Petition.status, Petition.created_at, Petition.due_at,
                   Petition.answered_at).execution_options(yield_per=5000)
    for row in db.session.execute(query):
        yield row.id, PetitionFacts(row.department_id, row.status, row.status in OPEN_STATUSES, row.created_at,
                                    row.due_at, row.answered_at)
