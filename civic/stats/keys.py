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

Each rule is written once, as ``*_keys(facts, calendar)``: the counters a row's facts make, one
key per count. ``*_counts(facts)`` is the same as a ``Counter`` for the events; a recount passes
one ``timezone.CityCalendar`` for every row (the zone and holiday country read once, each day's
holiday answer computed once) and counts the keys of every row in one ``Counter.update``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from civic import timezone
from civic.events import PetitionFacts, ProposalFacts, ReportFacts, VoteFacts
from civic.stats import models as m
from civic.timezone import CityCalendar

Key = tuple[str, date, str, str, str]


def local_day(moment: datetime, calendar: CityCalendar | None = None) -> date:
    """The city's calendar day of a moment (``CIVIC_TIMEZONE``)."""
    return (calendar or timezone.city_calendar()).local_day(moment)


def working_days(received_at: datetime, answered_at: datetime, calendar: CityCalendar | None = None) -> int:
    """Working days after the day of receipt up to the day of the answer (same day: 0), with the
    public holidays of ``CIVIC_HOLIDAY_COUNTRY``."""
    calendar = calendar or timezone.city_calendar()
    return calendar.working_days_between(calendar.local_day(received_at), calendar.local_day(answered_at))


def answered_on_time(answered_at: datetime, due_at: datetime) -> bool:
    return answered_at <= due_at


def days_to_fix(created_at: datetime, fixed_at: datetime) -> int:
    return max(0, (fixed_at - created_at).days)


def petition_keys(facts: PetitionFacts, calendar: CityCalendar) -> list[Key]:
    dept = str(facts.department_id)
    found: list[Key] = [(m.PETITION_RECEIVED, calendar.local_day(facts.received_at), dept, "", "")]
    if facts.answered_at is not None:
        day = calendar.local_day(facts.answered_at)
        found.append((m.PETITION_ANSWERED, day, dept, "", ""))
        if answered_on_time(facts.answered_at, facts.due_at):
            found.append((m.PETITION_ON_TIME, day, dept, "", ""))
        wd = calendar.working_days_between(calendar.local_day(facts.received_at), day)
        found.append((m.PETITION_ANSWER_DAYS, day, dept, str(wd), ""))
    return found


def report_keys(facts: ReportFacts, calendar: CityCalendar) -> list[Key]:
    day = calendar.local_day(facts.created_at)
    found: list[Key] = [(m.REPORT_SERVICE, day, str(facts.service_id), facts.status, ""),
                        (m.REPORT_DISTRICT, day, facts.district_code or "", facts.status, "")]
    if facts.fixed_at is not None:
        days = days_to_fix(facts.created_at, facts.fixed_at)
        found.append((m.REPORT_FIX_DAYS, calendar.local_day(facts.fixed_at), str(facts.service_id), str(days), ""))
    return found


def proposal_keys(facts: ProposalFacts, calendar: CityCalendar) -> list[Key]:
    if facts.threshold_reached_at is None:
        return []
    dept = str(facts.department_id or "")
    found: list[Key] = [(m.PROPOSAL_THRESHOLD, calendar.local_day(facts.threshold_reached_at), dept, "", "")]
    if facts.responded_at is not None:
        day = calendar.local_day(facts.responded_at)
        found.append((m.PROPOSAL_RESPONDED, day, dept, "", ""))
        if facts.response_due_at is not None and answered_on_time(facts.responded_at, facts.response_due_at):
            found.append((m.PROPOSAL_ON_TIME, day, dept, "", ""))
    return found


def vote_keys(facts: VoteFacts, calendar: CityCalendar) -> list[Key]:
    return [(m.POLL_VOTES, calendar.local_day(facts.cast_at), str(facts.poll_id), "", "")]


def petition_counts(facts: PetitionFacts | None) -> Counter:
    return Counter(petition_keys(facts, timezone.city_calendar())) if facts is not None else Counter()


def report_counts(facts: ReportFacts | None) -> Counter:
    return Counter(report_keys(facts, timezone.city_calendar())) if facts is not None else Counter()


def proposal_counts(facts: ProposalFacts | None) -> Counter:
    return Counter(proposal_keys(facts, timezone.city_calendar())) if facts is not None else Counter()


def vote_counts(facts: VoteFacts | None) -> Counter:
    return Counter(vote_keys(facts, timezone.city_calendar())) if facts is not None else Counter()


def difference(before: Counter, after: Counter) -> Counter:
    """``after - before`` keeping negative values (``Counter.__sub__`` drops them)."""
    delta = Counter(after)
    for key, n in before.items():
        delta[key] -= n
    return Counter({key: n for key, n in delta.items() if n})
