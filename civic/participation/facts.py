"""What the domain events of participation say about a proposal or a vote
(``civic.events.ProposalFacts``, ``VoteFacts``). A proposal reached its threshold at
``threshold_reached_at``, set once by the support that crossed it. A hidden proposal has no
facts: moderated away, it counts in no published figure (issue 21)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from civic.events import ProposalFacts, VoteFacts
from civic.extensions import db
from civic.participation.models import HIDDEN, PollVote, Proposal

CHUNK = 5000  # rows per fetch when streaming every row's facts


def facts(proposal: Proposal) -> ProposalFacts | None:
    if proposal.status == HIDDEN:
        return None
    return ProposalFacts(department_id=proposal.department_id, threshold_reached_at=proposal.threshold_reached_at,
                         responded_at=proposal.responded_at, response_due_at=proposal.response_due_at)


def proposal_snapshot() -> Iterator[tuple[int, ProposalFacts]]:
    query = (select(Proposal.id, Proposal.department_id, Proposal.threshold_reached_at, Proposal.responded_at,
                    Proposal.response_due_at)
             .where(Proposal.threshold_reached_at.is_not(None), Proposal.status != HIDDEN)
             .execution_options(stream_results=True, yield_per=CHUNK))
    for proposal_id, department_id, reached_at, responded_at, response_due_at in db.session.connection().execute(query):
        yield proposal_id, ProposalFacts(department_id, reached_at, responded_at, response_due_at)


def vote_snapshot() -> Iterator[tuple[int, VoteFacts]]:
    query = (select(PollVote.id, PollVote.poll_id, PollVote.created_at)
             .execution_options(stream_results=True, yield_per=CHUNK))
    for vote_id, poll_id, cast_at in db.session.connection().execute(query):
        yield vote_id, VoteFacts(poll_id, cast_at)
