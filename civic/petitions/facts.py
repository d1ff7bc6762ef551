"""What the domain events of petitions say about a petition (``civic.events.PetitionFacts``):
its department, status, receipt, deadline and answer, before and after each use case."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from civic.events import PetitionFacts
from civic.extensions import db
from civic.petitions.models import OPEN_STATUSES, Petition

CHUNK = 5000


def facts(petition: Petition) -> PetitionFacts:
    return PetitionFacts(department_id=petition.department_id, status=petition.status,
                         is_open=petition.status in OPEN_STATUSES, received_at=petition.created_at,
                         due_at=petition.due_at, answered_at=petition.answered_at)


def snapshot() -> Iterator[tuple[int, PetitionFacts]]:
    """Every petition's facts, streamed in chunks of plain columns (for a recount from the
    tables: no ORM objects, a server-side cursor on PostgreSQL)."""
    query = select(Petition.id, Petition.department_id, Petition.status, Petition.created_at, Petition.due_at,
                   Petition.answered_at).execution_options(stream_results=True, yield_per=CHUNK)
    open_statuses = frozenset(OPEN_STATUSES)
    for petition_id, department_id, status, created_at, due_at, answered_at in \
            db.session.connection().execute(query):
        yield petition_id, PetitionFacts(department_id, status, status in open_statuses, created_at, due_at,
                                         answered_at)
