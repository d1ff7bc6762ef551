"""The dashboard's tables, one definition each for the page, JSON and CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from civic.csv_export import dicts_to_csv
from civic.stats.service import Figures


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "raw"}


def _named(prefix: str, value: dict | None) -> dict:
    value = value or {}
    return {f"{prefix}_{k}": value.get(k, "") for k in ("code", "name_ko", "name_en")}


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    items: Callable[[Figures], list[dict]]
    flat: Callable[[dict], dict]


TABLES = {t.name: t for t in (
    Table("petitions", ("department_code", "department_name_ko", "department_name_en", "received", "answered",
                        "median_working_days", "answered_on_time_share", "overdue"),
          lambda f: [_public(r) for r in f.petitions],
          lambda r: {**_named("department", r["department"]), **{k: v for k, v in r.items() if k != "department"}}),
    Table("petitions-weekly", ("week_starting", "received"),
          lambda f: [{"week_starting": week.isoformat(), "received": _cell(n)} for week, n in f.weekly],
          lambda r: r),
    Table("reports-by-type", ("service_code", "service_name_ko", "service_name_en", "reports", "fixed",
                              "median_days_to_fix"),
          lambda f: [_public(r) for r in f.reports_by_service],
          lambda r: {**_named("service", r["service"]), **{k: v for k, v in r.items() if k != "service"}}),
    Table("reports-by-district", ("district_code", "district_name_ko", "district_name_en", "reports"),
          lambda f: [_public(r) for r in f.reports_by_district],
          lambda r: {**_named("district", r["district"]), "reports": r["reports"]}),
    Table("reports-by-status", ("status", "reports"),
          lambda f: [_public(r) for r in f.reports_by_status], lambda r: r),
    Table("proposals", ("department_code", "department_name_ko", "department_name_en", "reached_threshold",
                        "responded", "responded_on_time"),
          lambda f: [_public(r) for r in f.proposals],
          lambda r: {**_named("department", r["department"]), **{k: v for k, v in r.items() if k != "department"}}),
    Table("polls", ("poll_id", "question_ko", "question_en", "votes"),
          lambda f: [_public(r) for r in f.polls],
          lambda r: {"poll_id": r["poll"]["id"], "question_ko": r["poll"]["question_ko"],
                     "question_en": r["poll"]["question_en"], "votes": r["votes"]}),
)}


def _cell(n: int):
    from civic.stats.service import cell

    return cell(n)


def to_csv(table: Table, figures: Figures) -> str:
    return dicts_to_csv(list(table.columns), (table.flat(item) for item in table.items(figures)))
