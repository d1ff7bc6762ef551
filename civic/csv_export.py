"""Every CSV civic publishes goes through here, so no cell can run as a spreadsheet formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by spreadsheet programs (CSV injection); such text cells get a leading ``'``, which the
programs show as plain text. Numbers are written as they are. Files start with a BOM so that
spreadsheet programs read Korean correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return BOM + buffer.getvalue()


def dicts_to_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    return rows_to_csv(columns, ([row.get(name) for name in columns] for row in rows))
