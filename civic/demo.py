"""Demo content for a fresh install (``flask seed --demo``; ``make run`` on an empty database).

One account per role (``civic.accounts.demo``) and each feature's ``demo.seed_demo(people)``:
realistic Korean polls, proposals, reports, maps and past alerts, made through the services.
Refused on a database with real accounts, so demo passwords never sit next to real data;
idempotent otherwise (each feature checks for its own first item).
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta


@dataclass
class DemoResult:
    loaded: bool
    added: dict[str, int] = field(default_factory=dict)
    reason: str = ""


def at_local(today: date, days: int, clock: str, *, working: bool = False) -> datetime:
    """The demo's times: ``clock`` (HH:MM, the city's wall clock) ``days`` after ``today`` (the
    local date the demo is loaded; negative: before), in UTC; ``working``: ``days`` counts
    working days (what staff do, and what they are asked, happens on working days). Demo items
    are dated at plausible minutes on different days, never all at the minute of the seed."""
    from civic.timezone import is_working_day, to_utc

    day = today + timedelta(days=days)
    if working:
        day, left = today, abs(days)
        while left:
            day += timedelta(days=1 if days > 0 else -1)
            left -= is_working_day(day)
    hour, minute = (int(part) for part in clock.split(":"))
    return to_utc(datetime.combine(day, time(hour, minute)))


def load_demo() -> DemoResult:
    from civic import installed_features
    from civic.accounts.demo import demo_accounts, has_real_accounts

    if has_real_accounts():
        return DemoResult(False, reason="this database has real accounts; demo content is only for a new one")
    people = demo_accounts()
    added: dict[str, int] = {}
    for name in installed_features():
        if name == "accounts" or importlib.util.find_spec(f"civic.{name}.demo") is None:
            continue
        added.update(importlib.import_module(f"civic.{name}.demo").seed_demo(people))
    return DemoResult(True, added)


def account_lines() -> list[str]:
    """What ``make run`` prints: each demo account, its password and what to try with it."""
    from civic.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    width = max(len(email) for _, email, *_ in DEMO_ACCOUNTS)
    lines = [f"Demo accounts (password for each: {DEMO_PASSWORD})"]
    for role, email, _, _, what in DEMO_ACCOUNTS:
        lines.append(f"  {email:<{width}}  {role:<13}  {what}")
    return lines
