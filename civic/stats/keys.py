"""The one definition of every statistics counter: which counters a row's facts make.

``tracking.py`` applies ``counts(after) - counts(before)`` of each domain event, and
``rebuild.py`` / ``check.py`` sum ``counts(facts)`` over every row the features provide
(``civic.events.snapshot``), so the events and a recount cannot date or key anything differently.
Here, and only here:

- a petition counts as received on the local day of its receipt, answered on the local day of
  its answer, **on time** when ``answered_at <= due_at``, and its answer took the working days
  (``civic.timezone``: the city's zone and holiday country) after the day of receipt;
- a report counts per service and district, with its current status, on the day it was made;
  a fixed report counts its days to fix on the day it was **fixed** (``ReportFacts.fixed_at``,
  defined by the reports feature);
- a proposal counts on the day its **threshold was reached**, and when responded, on the day of
  the response, on time when ``responded_at <= response_due_at``;
- a vote counts on the day it was cast.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from functools import lru_cache

from civic import timezone
from civic.events import PetitionFacts, ProposalFacts, ReportFacts, VoteFacts
from civic.stats import models as m

Key = tuple[str, date, str, str, str]


def local_day(moment: datetime) -> date:
    """The city's calendar day of a moment (``CIVIC_TIMEZONE``)."""
    return timezone.to_local(moment).date()


@lru_cache(maxsize=8192)
def _working_days_between(start: date, end: date, country: str) -> int:
    days, current = 0, start
    while current < end:
        current = date.fromordinal(current.toordinal() + 1)
        if timezone.is_working_day(current, country):
            days += 1
    return days


def working_days(received_at: datetime, answered_at: datetime) -> int:
    """Working days after the day of receipt up to the day of the answer (same day: 0), with the
    public holidays of ``CIVIC_HOLIDAY_COUNTRY``."""
    return _working_days_between(local_day(received_at), local_day(answered_at), timezone.holiday_country())


def answered_on_time(answered_at: datetime, due_at: datetime) -> bool:
    return answered_at <= due_at


def days_to_fix(created_at: datetime, fixed_at: datetime) -> int:
    return max(0, (fixed_at - created_at).days)


def petition_counts(facts: PetitionFacts | None) -> Counter:
    counts: Counter = Counter()
    if facts is None:
        return counts
    dept = str(facts.department_id)
    counts[(m.PETITION_RECEIVED, local_day(facts.received_at), dept, "", "")] += 1
    if facts.answered_at is not None:
        day = local_day(facts.answered_at)
        counts[(m.PETITION_ANSWERED, day, dept, "", "")] += 1
        if answered_on_time(facts.answered_at, facts.due_at):
            counts[(m.PETITION_ON_TIME, day, dept, "", "")] += 1
        wd = working_days(facts.received_at, facts.answered_at)
        counts[(m.PETITION_ANSWER_DAYS, day, dept, str(wd), "")] += 1
    return counts


def report_counts(facts: ReportFacts | None) -> Counter:
    counts: Counter = Counter()
    if facts is None:
        return counts
    day = local_day(facts.created_at)
    counts[(m.REPORT_SERVICE, day, str(facts.service_id), facts.status, "")] += 1
    counts[(m.REPORT_DISTRICT, day, facts.district_code or "", facts.status, "")] += 1
    if facts.fixed_at is not None:
        days = days_to_fix(facts.created_at, facts.fixed_at)
        counts[(m.REPORT_FIX_DAYS, local_day(facts.fixed_at), str(facts.service_id), str(days), "")] += 1
    return counts


def proposal_counts(facts: ProposalFacts | None) -> Counter:
    counts: Counter = Counter()
    if facts is None or facts.threshold_reached_at is None:
        return counts
    dept = str(facts.department_id or "")
    counts[(m.PROPOSAL_THRESHOLD, local_day(facts.threshold_reached_at), dept, "", "")] += 1
    if facts.responded_at is not None:
        day = local_day(facts.responded_at)
        counts[(m.PROPOSAL_RESPONDED, day, dept, "", "")] += 1
        if facts.response_due_at is not None and answered_on_time(facts.responded_at, facts.response_due_at):
            counts[(m.PROPOSAL_ON_TIME, day, dept, "", "")] += 1
    return counts


def vote_counts(facts: VoteFacts | None) -> Counter:
    if facts is None:
        return Counter()
    return Counter({(m.POLL_VOTES, local_day(facts.cast_at), str(facts.poll_id), "", ""): 1})


def difference(before: Counter, after: Counter) -> Counter:
    """``after - before`` keeping negative values (``Counter.__sub__`` drops them)."""
    delta = Counter(after)
    for key, n in before.items():
        delta[key] -= n
    return Counter({key: n for key, n in delta.items() if n})
