"""The public statistics, read from the aggregates (never from the petitions or reports tables).

Figures are counts and durations only, published by three rules (``STATS_MIN_CELL``, default 5):

- a count of 0 is published as 0, a count of 1 to 4 as ``"<5"``, a larger count as itself;
- a share or a median resting on fewer than 5 cases is not given: ``None``, and the row's
  ``withheld`` map says why (``"too_few_cases"``, or ``"no_cases"`` when there are none);
- nothing published lets a reader recover a hidden count: every row is listed, zeros included;
  rows are ordered by the published figure (hidden ones together, by code), never by the hidden
  value; a total over a column with hidden cells is given as a lower bound (``"≥ N"``, the sum of
  the shown cells plus one per hidden cell), which the table already tells, never the exact sum.

Window sums come from the window rollups (``windows.py``). Figures are cached per process for
``STATS_CACHE_SECONDS``.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, select

from civic.db import utcnow
from civic.errors import N_, ValidationFailed
from civic.extensions import db
from civic.stats import models as m
from civic.stats import windows
from civic.stats.publication import (  # noqa: F401  (cell, median_of, min_cell: part of this module's API)
    NO_CASES,
    TOO_FEW,
    cell,
    derived,
    hidden,
    median_of,
    min_cell,
    order,
    total,
)
from civic.stats.tracking import local_day

if TYPE_CHECKING:
    from civic.accounts.models import Department

WINDOWS = windows.WINDOWS


def check_days(days) -> int:
    try:
        value = int(days)
    except (TypeError, ValueError):
        value = None
    if value not in WINDOWS:
        raise ValidationFailed({"days": N_("One of %(values)s.", values=", ".join(map(str, WINDOWS)))})
    return value


@dataclass
class Figures:
    days: int
    since: date
    until: date
    as_of: datetime
    petitions: list[dict] = field(default_factory=list)
    petition_totals: dict = field(default_factory=dict)
    weekly: list[tuple[date, object]] = field(default_factory=list)
    reports_by_service: list[dict] = field(default_factory=list)
    reports_by_district: list[dict] = field(default_factory=list)
    reports_by_status: list[dict] = field(default_factory=list)
    report_totals: dict = field(default_factory=dict)
    proposals: list[dict] = field(default_factory=list)
    proposal_totals: dict = field(default_factory=dict)
    polls: list[dict] = field(default_factory=list)
    poll_totals: dict = field(default_factory=dict)
    rollups: bool = field(default=True, compare=False)
    # What one read of the window sums gave: metric → [(k1, k2, n)]; the departments by id.
    sums: dict = field(default_factory=dict, repr=False, compare=False)
    departments: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_lower_bounds(self) -> bool:
        totals = (self.petition_totals, self.report_totals, self.proposal_totals, self.poll_totals)
        return any(isinstance(v, str) and v.startswith("≥") for t in totals for v in t.values())


PETITION_METRICS = (m.PETITION_RECEIVED, m.PETITION_ANSWERED, m.PETITION_ON_TIME, m.PETITION_ANSWER_DAYS)
REPORT_METRICS = (m.REPORT_SERVICE, m.REPORT_DISTRICT, m.REPORT_FIX_DAYS)
PROPOSAL_METRICS = (m.PROPOSAL_THRESHOLD, m.PROPOSAL_RESPONDED, m.PROPOSAL_ON_TIME)


def _read(fig: Figures, department_id: int | None) -> None:
    """Every window sum the figures need, in one statement (one department: its own only)."""
    metrics: tuple[str, ...] = PETITION_METRICS + PROPOSAL_METRICS
    if department_id is None:
        metrics += REPORT_METRICS + (m.POLL_VOTES,)
    k1 = str(department_id) if department_id is not None else None
    for metric, key1, key2, n in windows.sums(metrics, fig.days, fig.until, k1=k1, rollups=fig.rollups):
        fig.sums.setdefault(metric, []).append((key1, key2, int(n)))
    fig.departments = _departments()


def _sums(fig: Figures, metrics: tuple[str, ...]) -> list:
    return [(metric, k1, k2, n) for metric in metrics for k1, k2, n in fig.sums.get(metric, ())]


def _departments() -> dict[str, Department]:
    from civic.accounts.models import Department

    return {str(d.id): d for d in db.session.scalars(select(Department))}


def _ref(department) -> dict | None:
    if department is None:
        return None
    return {"code": department.code, "name_ko": department.name_ko, "name_en": department.name_en}


def _code(row: dict, key: str = "department") -> str:
    return (row[key] or {}).get("code", "")


def _petitions(fig: Figures, department_id: int | None, now: datetime) -> None:
    dept_key = str(department_id) if department_id is not None else None
    sums = _sums(fig, PETITION_METRICS)
    departments = fig.departments
    keys = [dept_key] if dept_key is not None else list(departments)
    per: dict[str, dict] = {k: {"received": 0, "answered": 0, "on_time": 0, "overdue": 0, "hist": defaultdict(int)}
                            for k in keys}
    for metric, k1, k2, n in sums:
        row = per.get(k1)
        if row is None:
            continue
        if metric == m.PETITION_ANSWER_DAYS:
            row["hist"][int(k2)] += int(n)
        else:
            row[metric.split(".")[1]] += int(n)
    overdue = select(m.OpenPetition.department_id, func.count()).where(m.OpenPetition.due_at < now)
    if department_id is not None:
        overdue = overdue.where(m.OpenPetition.department_id == department_id)
    for dept_id, n in db.session.execute(overdue.group_by(m.OpenPetition.department_id)).all():
        if str(dept_id) in per:
            per[str(dept_id)]["overdue"] = n
    rows = [_petition_row(departments.get(key), counts) for key, counts in per.items() if key in departments]
    fig.petitions = order(rows, "received", _code)
    if department_id is not None:
        fig.petition_totals = dict(fig.petitions[0]) if fig.petitions else {}
    else:
        fig.petition_totals = _petition_totals(per, rows, departments)
    weekly = select(m.StatCount.day, func.sum(m.StatCount.n)).where(
        m.StatCount.metric == m.PETITION_RECEIVED, m.StatCount.day >= fig.since, m.StatCount.day <= fig.until)
    if dept_key is not None:
        weekly = weekly.where(m.StatCount.k1 == dept_key)
    fig.weekly = [(week, cell(n)) for week, n in _by_week(fig.since, fig.until,
                                                           db.session.execute(weekly.group_by(m.StatCount.day)))]


def _petition_row(department, counts: dict) -> dict:
    answered = counts["answered"]
    row = {"department": _ref(department), "received": cell(counts["received"]), "answered": cell(answered),
           "overdue": cell(counts["overdue"])}
    derived(row, "median_working_days", median_of(counts["hist"]), answered)
    derived(row, "answered_on_time_share", round(counts["on_time"] / answered, 3) if answered else None, answered)
    return {**row, "withheld": row.pop("withheld")}


def _petition_totals(per: dict[str, dict], rows: list[dict], departments: dict) -> dict:
    """The "all departments" row: each column exact when every cell is shown, else a lower bound;
    the median and share over the departments whose own median and share are shown."""
    by_code = {_code(r): r for r in rows}
    counts = {"received": 0, "answered": 0, "on_time": 0, "overdue": 0}
    hist: dict[int, int] = defaultdict(int)
    shown_answered = shown_on_time = 0
    for counts_of in per.values():
        for name in counts:
            counts[name] += counts_of[name]
    for key, counts_of in per.items():
        department = departments.get(key)
        if department is None:
            continue
        row = by_code[department.code]
        if row["median_working_days"] is not None:
            for value, n in counts_of["hist"].items():
                hist[value] += n
        if row["answered_on_time_share"] is not None:
            shown_answered += counts_of["answered"]
            shown_on_time += counts_of["on_time"]
    totals = {name: total(rows, name, counts[name]) for name in ("received", "answered", "overdue")}
    derived(totals, "median_working_days", median_of(hist), sum(hist.values()))
    derived(totals, "answered_on_time_share", round(shown_on_time / shown_answered, 3) if shown_answered else None,
            shown_answered)
    return totals


def _by_week(since: date, until: date, daily) -> list[tuple[date, int]]:
    start = since - timedelta(days=since.weekday())
    weeks: dict[date, int] = {}
    current = start
    while current <= until:
        weeks[current] = 0
        current += timedelta(days=7)
    for day, n in daily:
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + int(n)
    return sorted(weeks.items())


def _reports(fig: Figures) -> None:
    from civic.geo import all_districts
    from civic.reports.models import STATUSES, Service

    sums = _sums(fig, REPORT_METRICS)
    by_service: dict[str, dict] = defaultdict(lambda: {"count": 0, "fixed": 0, "hist": defaultdict(int)})
    by_district: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    for metric, k1, k2, n in sums:
        n = int(n)
        if metric == m.REPORT_SERVICE:
            by_service[k1]["count"] += n
            by_status[k2] += n
        elif metric == m.REPORT_DISTRICT:
            by_district[k1] += n
        else:
            by_service[k1]["fixed"] += n
            by_service[k1]["hist"][int(k2)] += n
    shown_fixes: dict[int, int] = defaultdict(int)
    services = list(db.session.scalars(select(Service)))
    rows = []
    for service in services:
        counts = by_service[str(service.id)]
        row = {"service": {"code": service.code, "name_ko": service.name_ko, "name_en": service.name_en},
               "reports": cell(counts["count"]), "fixed": cell(counts["fixed"])}
        derived(row, "median_days_to_fix", median_of(counts["hist"]), counts["fixed"])
        if row["median_days_to_fix"] is not None:
            for value, n in counts["hist"].items():
                shown_fixes[value] += n
        rows.append({**row, "withheld": row.pop("withheld")})
    fig.reports_by_service = order(rows, "reports", lambda r: r["service"]["code"])
    fig.reports_by_district = [
        {"district": {"code": d.code, "name_ko": d.name_ko, "name_en": d.name_en},
         "reports": cell(by_district.get(d.code, 0))} for d in all_districts()]
    fig.reports_by_status = [{"status": s, "reports": cell(by_status.get(s, 0))} for s in STATUSES]
    exact = sum(by_status.values())
    # Three breakdowns of one total: exact only when none hides a cell; else the largest lower
    # bound any of them gives (each is plain from its own table).
    bounds = [total(rows, "reports", exact)
              for rows in (fig.reports_by_service, fig.reports_by_district, fig.reports_by_status)]
    lower = [int(b.split()[-1]) for b in bounds if hidden(b)]
    totals: dict = {"reports": f"≥ {max(lower)}" if lower else cell(exact),
                    "fixed": total(fig.reports_by_service, "fixed", sum(c["fixed"] for c in by_service.values()))}
    derived(totals, "median_days_to_fix", median_of(shown_fixes), sum(shown_fixes.values()))
    fig.report_totals = totals


def _participation(fig: Figures, department_id: int | None) -> None:
    from civic.participation.models import Poll

    dept_key = str(department_id) if department_id is not None else None
    sums = _sums(fig, PROPOSAL_METRICS)
    departments = fig.departments
    keys = [dept_key] if dept_key is not None else [*departments, ""]
    per = {k: {"threshold": 0, "responded": 0, "on_time": 0} for k in keys}
    for metric, k1, _k2, n in sums:
        if k1 in per:
            per[k1][metric.split(".")[1]] += int(n)
    rows = [{"department": _ref(departments.get(key)), "reached_threshold": cell(row["threshold"]),
             "responded": cell(row["responded"]), "responded_on_time": cell(row["on_time"])}
            for key, row in per.items() if key == "" or key in departments]
    fig.proposals = order(rows, "reached_threshold", lambda r: _code(r) or "~")
    if not any(r[name] for r in rows for name in ("reached_threshold", "responded", "responded_on_time")):
        fig.proposals = []  # nothing happened anywhere: an empty table hides nothing
    fig.proposal_totals = {
        "reached_threshold": total(rows, "reached_threshold", sum(r["threshold"] for r in per.values())),
        "responded": total(rows, "responded", sum(r["responded"] for r in per.values())),
        "responded_on_time": total(rows, "responded_on_time", sum(r["on_time"] for r in per.values()))}
    if department_id is not None:
        return
    votes = {k1: int(n) for _metric, k1, _k2, n in _sums(fig, (m.POLL_VOTES,))}
    window_start = datetime.combine(fig.since, datetime.min.time(), fig.as_of.tzinfo) - timedelta(days=1)
    # Every poll open during the window is listed, with 0 votes too.
    polls = db.session.scalars(select(Poll).where(
        (Poll.id.in_([int(k) for k in votes if k.isdigit()]))
        | ((Poll.opens_at <= fig.as_of) & (Poll.closes_at >= window_start)))).all()
    poll_rows = [{"poll": {"id": poll.id, "question_ko": poll.question_ko,
                           "question_en": poll.question_en or poll.question_ko},
                  "votes": cell(votes.get(str(poll.id), 0))} for poll in polls]
    fig.polls = order(poll_rows, "votes", lambda r: r["poll"]["id"])
    fig.poll_totals = {"polls": len(fig.polls), "votes": total(fig.polls, "votes", sum(votes.values()))}


_cache: dict[tuple, tuple[float, object]] = {}
_cache_lock = threading.Lock()


def remember(key: tuple, compute):
    """``compute()``, kept per process for ``STATS_CACHE_SECONDS`` (0: always computed)."""
    ttl = float(current_app.config["STATS_CACHE_SECONDS"])
    if ttl <= 0:
        return compute()
    key = (current_app.config["SQLALCHEMY_DATABASE_URI"], *key)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < ttl:
        return hit[1]
    value = compute()
    with _cache_lock:
        _cache[key] = (time.monotonic(), value)
    return value


def figures(days: int, department_id: int | None = None, now: datetime | None = None) -> Figures:
    """Every figure of the dashboard for the last ``days`` days (optionally one department)."""
    days = check_days(days)
    if now is None:
        def compute():
            moment = utcnow()
            windows.catch_up(local_day(moment))
            return compute_figures(days, department_id, moment)

        return remember(("figures", days, department_id), compute)
    return compute_figures(days, department_id, now)


def compute_figures(days: int, department_id: int | None, now: datetime, rollups: bool = True) -> Figures:
    """The figures ending on ``now``'s local day; ``rollups=False`` sums the day counters
    instead of the window rollups (the benchmark's baseline; same figures)."""
    until = local_day(now)
    fig = Figures(days=days, since=until - timedelta(days=days - 1), until=until, as_of=now, rollups=rollups)
    _read(fig, department_id)
    _petitions(fig, department_id, now)
    if department_id is None:
        _reports(fig)
    _participation(fig, department_id)
    return fig


def department_figures(user, days: int) -> Figures:
    """Staff: the same figures for their own department (admins: the whole city)."""
    from civic.errors import Forbidden

    if user is None or not user.has_role("staff"):
        raise Forbidden(N_("Staff only."))
    department_id = None if user.has_role("admin") and user.department_id is None else user.department_id
    if department_id is None and not user.has_role("admin"):
        raise Forbidden(N_("No department."))
    return figures(days, department_id)
