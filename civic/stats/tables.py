"""The dashboard's tables, one definition each for the page, JSON and CSV.

The same published values everywhere: counts as 0, ``"<5"`` or the number; a share or median
not given is ``null`` in JSON (with the reason in the row's ``withheld`` map) and empty in CSV
(with the reason in the column ``<name>_withheld``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from civic.csv_export import dicts_to_csv
from civic.stats.service import Figures


def _public(row: dict) -> dict:
    return dict(row)


def _withheld(row: dict) -> dict:
    return {f"{name}_withheld": reason for name, reason in row.get("withheld", {}).items()}


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
                        "median_working_days", "answered_on_time_share", "overdue", "median_working_days_withheld",
                        "answered_on_time_share_withheld"),
          lambda f: [_public(r) for r in f.petitions],
          lambda r: {**_named("department", r["department"]), **_withheld(r),
                     **{k: v for k, v in r.items() if k not in ("department", "withheld")}}),
    Table("petitions-weekly", ("week_starting", "received"),
          lambda f: [{"week_starting": week.isoformat(), "received": n} for week, n in f.weekly],
          lambda r: r),
    Table("reports-by-type", ("service_code", "service_name_ko", "service_name_en", "reports", "fixed",
                              "median_days_to_fix", "median_days_to_fix_withheld"),
          lambda f: [_public(r) for r in f.reports_by_service],
          lambda r: {**_named("service", r["service"]), **_withheld(r),
                     **{k: v for k, v in r.items() if k not in ("service", "withheld")}}),
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


def to_csv(table: Table, figures: Figures) -> str:
    return dicts_to_csv(list(table.columns), (table.flat(item) for item in table.items(figures)))
