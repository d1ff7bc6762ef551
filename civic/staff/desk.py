"""The staff desk's shared pieces: sort links for column headers, the size of a desk screen.

Each feature keeps its own queue rules (which rows, which order); its pages use these helpers
so that every desk table sorts, pages and exports alike (``mobile_web/static/js/desk.js`` and
``css/desk.css`` do the rest).
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for

PAGE_SIZE = 100         # rows on one desk screen; the phone scrolls the same list
EXPORT_MAX_ROWS = 5000  # a CSV download of the current view


def sort_links(endpoint: str, current: str, columns, param: str = "sort") -> dict[str, dict]:
    """Per sortable column: the URL that sorts by it (sorted already: the other way round), keeping
    the other filters, and its ``aria-sort``."""
    links = {}
    for column in columns:
        ascending, descending = current == column, current == "-" + column
        args = {**request.args.to_dict(), param: "-" + column if ascending else column}
        args.pop("page", None)
        links[column] = {"url": url_for(endpoint, **args),
                         "aria": "ascending" if ascending else "descending" if descending else "none"}
    return links


def export_url(endpoint: str) -> str:
    """The CSV export of the current view: the same filters and order."""
    args: dict[str, Any] = request.args.to_dict()
    args.pop("page", None)
    return url_for(endpoint, **args)
