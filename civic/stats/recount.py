"""Every statistics aggregate recounted from the tables, by the rule the events follow.

Each feature provides its rows' current facts (``civic.events.snapshot``); summing
``keys.*_counts(facts)`` over them gives what the counters must hold. ``flask stats rebuild``
writes this, ``flask stats check`` compares it with what the counters hold.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from civic import events
from civic.stats import keys


@dataclass
class Recount:
    counts: Counter = field(default_factory=Counter)
    open_petitions: dict[int, tuple[int, datetime]] = field(default_factory=dict)


def recount() -> Recount:
    result = Recount()
    counts = result.counts
    for petition_id, petition in events.snapshot(events.PetitionFacts):
        counts.update(keys.petition_counts(petition))
        if petition.is_open:
            result.open_petitions[petition_id] = (petition.department_id, petition.due_at)
    for _id, report in events.snapshot(events.ReportFacts):
        counts.update(keys.report_counts(report))
    for _id, proposal in events.snapshot(events.ProposalFacts):
        counts.update(keys.proposal_counts(proposal))
    for _id, vote in events.snapshot(events.VoteFacts):
        counts.update(keys.vote_counts(vote))
    return result
