"""The public statistics, read from the aggregates (never from the petitions or reports tables).

Figures are counts and durations only. Any cell resting on fewer than ``STATS_MIN_CELL`` cases
(default 5) is shown as ``"<5"``: a count under it, and a median or share computed from fewer
cases. Figures are cached per process for ``STATS_CACHE_SECONDS``.
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
from civic.errors import ValidationFailed
from civic.extensions import db
from civic.stats import models as m
from civic.stats.tracking import local_day

if TYPE_CHECKING:
    from civic.accounts.models import Department

WINDOWS = (30, 90, 365)


def check_days(days) -> int:
    try:
        value = int(days)
    except (TypeError, ValueError):
        value = None
    if value not in WINDOWS:
        raise ValidationFailed({"days": f"One of {', '.join(map(str, WINDOWS))}."})
    return value


def min_cell() -> int:
    return int(current_app.config["STATS_MIN_CELL"])


def cell(count: int):
    """A count as published: the number, or ``"<5"`` under the threshold."""
    return count if count >= min_cell() else f"<{min_cell()}"


def median_of(histogram: dict[int, int]) -> float | None:
    """Median of values given as value → how many times."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(index: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return value
        return ordered[-1][0]

    if total % 2:
        return nth(total // 2)
    middle = (nth(total // 2 - 1) + nth(total // 2)) / 2
    return int(middle) if middle == int(middle) else middle


def guarded(value, cases: int):
    """A derived figure (median, share) is published only when it rests on enough cases."""
    if value is None:
        return None
    return value if cases >= min_cell() else f"<{min_cell()}"


def _sums(metrics: tuple[str, ...], since: date) -> list:
    return list(db.session.execute(
        select(m.StatCount.metric, m.StatCount.k1, m.StatCount.k2, func.sum(m.StatCount.n))
        .where(m.StatCount.metric.in_(metrics), m.StatCount.day >= since)
        .group_by(m.StatCount.metric, m.StatCount.k1, m.StatCount.k2)).all())


@dataclass
class Figures:
    days: int
    since: date
    until: date
    as_of: datetime
    petitions: list[dict] = field(default_factory=list)
    petition_totals: dict = field(default_factory=dict)
    weekly: list[tuple[date, int]] = field(default_factory=list)
    reports_by_service: list[dict] = field(default_factory=list)
    reports_by_district: list[dict] = field(default_factory=list)
    reports_by_status: list[dict] = field(default_factory=list)
    report_totals: dict = field(default_factory=dict)
    proposals: list[dict] = field(default_factory=list)
    proposal_totals: dict = field(default_factory=dict)
    polls: list[dict] = field(default_factory=list)
    poll_totals: dict = field(default_factory=dict)


def _departments() -> dict[str, Department]:
    from civic.accounts.models import Department

    return {str(d.id): d for d in db.session.scalars(select(Department))}


def _petitions(fig: Figures, department_id: int | None, now: datetime) -> None:
    sums = _sums((m.PETITION_RECEIVED, m.PETITION_ANSWERED, m.PETITION_ON_TIME, m.PETITION_ANSWER_DAYS), fig.since)
    per: dict[str, dict] = defaultdict(lambda: {"received": 0, "answered": 0, "on_time": 0, "overdue": 0,
                                                "hist": defaultdict(int)})
    for metric, k1, k2, n in sums:
        row = per[k1]
        if metric == m.PETITION_ANSWER_DAYS:
            row["hist"][int(k2)] += n
        else:
            row[metric.split(".")[1]] += n
    overdue = db.session.execute(
        select(m.OpenPetition.department_id, func.count()).where(m.OpenPetition.due_at < now)
        .group_by(m.OpenPetition.department_id)).all()
    for dept_id, n in overdue:
        per[str(dept_id)]["overdue"] = n
    departments = _departments()
    if department_id is not None:
        per = {k: v for k, v in per.items() if k == str(department_id)}
        per.setdefault(str(department_id), {"received": 0, "answered": 0, "on_time": 0, "overdue": 0, "hist": {}})
    total_hist: dict[int, int] = defaultdict(int)
    totals = {"received": 0, "answered": 0, "on_time": 0, "overdue": 0}
    for dept_key, row in per.items():
        department = departments.get(dept_key)
        if department is None:
            continue
        for name in totals:
            totals[name] += row[name]
        for value, n in row["hist"].items():
            total_hist[value] += n
        fig.petitions.append(_petition_row(department, row, row["hist"]))
    fig.petitions.sort(key=lambda r: (-r["raw"]["received"], r["department"]["code"]))
    fig.petition_totals = _petition_row(None, totals, total_hist)
    weekly = db.session.execute(
        select(m.StatCount.day, func.sum(m.StatCount.n))
        .where(m.StatCount.metric == m.PETITION_RECEIVED, m.StatCount.day >= fig.since,
               *([m.StatCount.k1 == str(department_id)] if department_id is not None else []))
        .group_by(m.StatCount.day)).all()
    fig.weekly = _by_week(fig.since, fig.until, weekly)


def _petition_row(department, row: dict, hist: dict[int, int]) -> dict:
    answered = row["answered"]
    share = round(row["on_time"] / answered, 3) if answered else None
    return {
        "department": ({"code": department.code, "name_ko": department.name_ko, "name_en": department.name_en}
                       if department is not None else None),
        "received": cell(row["received"]), "answered": cell(answered),
        "median_working_days": guarded(median_of(hist), answered),
        "answered_on_time_share": guarded(share, answered),
        "overdue": cell(row["overdue"]),
        "raw": {"received": row["received"], "answered": answered, "overdue": row["overdue"]},
    }


def _by_week(since: date, until: date, daily) -> list[tuple[date, int]]:
    start = since - timedelta(days=since.weekday())
    weeks: dict[date, int] = {}
    current = start
    while current <= until:
        weeks[current] = 0
        current += timedelta(days=7)
    for day, n in daily:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + int(n)
    return sorted(weeks.items())


def _reports(fig: Figures) -> None:
    from civic.geo import all_districts
    from civic.reports.models import STATUSES, Service

    sums = _sums((m.REPORT_SERVICE, m.REPORT_DISTRICT, m.REPORT_FIX_DAYS), fig.since)
    by_service: dict[str, dict] = defaultdict(lambda: {"count": 0, "fixed": 0, "hist": defaultdict(int)})
    by_district: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    all_fixes: dict[int, int] = defaultdict(int)
    for metric, k1, k2, n in sums:
        if metric == m.REPORT_SERVICE:
            by_service[k1]["count"] += n
            by_status[k2] += n
        elif metric == m.REPORT_DISTRICT:
            by_district[k1] += n
        else:
            by_service[k1]["fixed"] += n
            by_service[k1]["hist"][int(k2)] += n
            all_fixes[int(k2)] += n
    services = {str(s.id): s for s in db.session.scalars(select(Service))}
    for key, row in by_service.items():
        service = services.get(key)
        if service is None or not (row["count"] or row["fixed"]):
            continue
        fig.reports_by_service.append({
            "service": {"code": service.code, "name_ko": service.name_ko, "name_en": service.name_en},
            "reports": cell(row["count"]), "fixed": cell(row["fixed"]),
            "median_days_to_fix": guarded(median_of(row["hist"]), row["fixed"]),
            "raw": {"reports": row["count"]}})
    fig.reports_by_service.sort(key=lambda r: (-r["raw"]["reports"], r["service"]["code"]))
    for district in all_districts():
        n = by_district.get(district.code, 0)
        fig.reports_by_district.append({
            "district": {"code": district.code, "name_ko": district.name_ko, "name_en": district.name_en},
            "reports": cell(n), "raw": {"reports": n}})
    fig.reports_by_status = [{"status": s, "reports": cell(by_status.get(s, 0)),
                              "raw": {"reports": by_status.get(s, 0)}} for s in STATUSES]
    total = sum(by_status.values())
    fixed = sum(all_fixes.values())
    fig.report_totals = {"reports": cell(total), "fixed": cell(fixed),
                         "median_days_to_fix": guarded(median_of(all_fixes), fixed)}


def _participation(fig: Figures, department_id: int | None) -> None:
    from civic.participation.models import Poll

    sums = _sums((m.PROPOSAL_THRESHOLD, m.PROPOSAL_RESPONDED, m.PROPOSAL_ON_TIME, m.POLL_VOTES), fig.since)
    per: dict[str, dict] = defaultdict(lambda: {"threshold": 0, "responded": 0, "on_time": 0})
    votes: dict[str, int] = {}
    for metric, k1, _k2, n in sums:
        if metric == m.POLL_VOTES:
            votes[k1] = votes.get(k1, 0) + n
        else:
            per[k1][metric.split(".")[1]] += n
    if department_id is not None:
        per = {k: v for k, v in per.items() if k == str(department_id)}
    departments = _departments()
    totals = {"threshold": 0, "responded": 0, "on_time": 0}
    for key, row in per.items():
        for name in totals:
            totals[name] += row[name]
        department = departments.get(key)
        fig.proposals.append({
            "department": ({"code": department.code, "name_ko": department.name_ko, "name_en": department.name_en}
                           if department is not None else None),
            "reached_threshold": cell(row["threshold"]), "responded": cell(row["responded"]),
            "responded_on_time": cell(row["on_time"]), "raw": {"reached_threshold": row["threshold"]}})
    fig.proposals.sort(key=lambda r: -r["raw"]["reached_threshold"])
    fig.proposal_totals = {"reached_threshold": cell(totals["threshold"]), "responded": cell(totals["responded"]),
                           "responded_on_time": cell(totals["on_time"])}
    polls = {str(p.id): p for p in db.session.scalars(select(Poll).where(Poll.id.in_([int(k) for k in votes])))}
    for key, n in sorted(votes.items(), key=lambda kv: -kv[1]):
        poll = polls.get(key)
        if poll is None:
            continue
        fig.polls.append({"poll": {"id": poll.id, "question_ko": poll.question_ko,
                                   "question_en": poll.question_en or poll.question_ko},
                          "votes": cell(n), "raw": {"votes": n}})
    fig.poll_totals = {"polls": len(fig.polls), "votes": cell(sum(votes.values()))}


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
        return remember(("figures", days, department_id), lambda: compute_figures(days, department_id, utcnow()))
    return compute_figures(days, department_id, now)


def compute_figures(days: int, department_id: int | None, now: datetime) -> Figures:
    until = local_day(now)
    fig = Figures(days=days, since=until - timedelta(days=days - 1), until=until, as_of=now)
    _petitions(fig, department_id, now)
    if department_id is None:
        _reports(fig)
    _participation(fig, department_id)
    return fig


def department_figures(user, days: int) -> Figures:
    """Staff: the same figures for their own department (admins: the whole city)."""
    from civic.errors import Forbidden

    if user is None or not user.has_role("staff"):
        raise Forbidden("Staff only.")
    department_id = None if user.has_role("admin") and user.department_id is None else user.department_id
    if department_id is None and not user.has_role("admin"):
        raise Forbidden("No department.")
    return figures(days, department_id)
