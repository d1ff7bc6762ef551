"""How a figure is published (``STATS_MIN_CELL``, default 5): the rules, in one place, that the
page, the JSON and the CSV all go through (``service.py`` applies them while computing).

- a count of 0 is published as 0, 1 to 4 as ``"<5"``, a larger count as itself;
- a share or a median resting on fewer than 5 cases is ``None``, with the reason in the row's
  ``withheld`` map (``"too_few_cases"``, or ``"no_cases"`` when there are none);
- rows are ordered by what is published, and a total over hidden cells is a lower bound.
"""

from __future__ import annotations

from flask import current_app

TOO_FEW = "too_few_cases"
NO_CASES = "no_cases"


def min_cell() -> int:
    return int(current_app.config["STATS_MIN_CELL"])


def cell(count: int):
    """A count as published: 0, ``"<5"`` for 1 to 4, else the number."""
    return count if count == 0 or count >= min_cell() else f"<{min_cell()}"


def hidden(value) -> bool:
    return isinstance(value, str)


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


def derived(row: dict, name: str, value, cases: int) -> None:
    """Put a derived figure (median, share) in ``row`` when it rests on enough cases; else
    ``None`` with the reason in ``row["withheld"]``."""
    withheld = row.setdefault("withheld", {})
    if not cases or value is None:
        row[name], withheld[name] = None, NO_CASES
    elif cases < min_cell():
        row[name], withheld[name] = None, TOO_FEW
    else:
        row[name] = value


def order(rows: list[dict], figure: str, name) -> list[dict]:
    """Rows by their published ``figure``: shown numbers first (largest first), then hidden ones,
    then zeros, each group by ``name(row)``; the hidden value never decides a place."""
    def key(row):
        value = row[figure]
        if hidden(value):
            return (1, 0, name(row))
        return (0 if value else 2, -value, name(row))

    return sorted(rows, key=key)


def total(rows: list[dict], figure: str, exact: int):
    """A column's total as published: exact when every cell is shown, else the lower bound the
    table already gives (shown cells plus one per hidden cell), as ``"≥ N"``."""
    if not any(hidden(r[figure]) for r in rows):
        return cell(exact)
    return f"≥ {sum(1 if hidden(r[figure]) else r[figure] for r in rows)}"
