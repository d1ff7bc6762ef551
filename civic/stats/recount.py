"""Every statistics aggregate recounted from the tables, by the rule the events follow.

Each feature provides its rows' current facts (``civic.events.snapshot``); summing
``keys.*_keys(facts)`` over them gives what the counters must hold. ``flask stats rebuild``
writes this, ``flask stats check`` compares it with what the counters hold.

At city scale (hundreds of thousands of rows) this is the hot loop of a rebuild: one calendar
for the whole run (``timezone.city_calendar``), and the keys of every row counted by one
``Counter.update`` over a generator (no Counter per row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from civic import events, timezone
from civic.stats import keys


@dataclass
class Recount:
    counts: Counter = field(default_factory=Counter)
    open_petitions: dict[int, tuple[int, datetime]] = field(default_factory=dict)


def _keys_of(facts_type: type, rule: Callable[[Any, timezone.CityCalendar], list[keys.Key]],
             calendar: timezone.CityCalendar) -> Iterator[keys.Key]:
    for _id, facts in events.snapshot(facts_type):
        yield from rule(facts, calendar)


def recount() -> Recount:
    result = Recount()
    calendar = timezone.city_calendar()
    open_petitions = result.open_petitions

    def petition_keys() -> Iterator[keys.Key]:
        for petition_id, petition in events.snapshot(events.PetitionFacts):
            if petition.is_open:
                open_petitions[petition_id] = (petition.department_id, petition.due_at)
            yield from keys.petition_keys(petition, calendar)

    counts = result.counts
    counts.update(petition_keys())
    counts.update(_keys_of(events.ReportFacts, keys.report_keys, calendar))
    counts.update(_keys_of(events.ProposalFacts, keys.proposal_keys, calendar))
    counts.update(_keys_of(events.VoteFacts, keys.vote_keys, calendar))
    return result
