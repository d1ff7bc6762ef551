"""JSON from clients, checked before any work is done.

Python's ``json`` accepts two things nothing downstream can handle: a lone UTF-16 surrogate
escape (``"\\ud800"``), which cannot be encoded to UTF-8 and so fails in the database or in the
answer, and arbitrarily deep nesting, which ends in ``RecursionError`` (in the decoder itself
or in whatever walks the value later). A third, an integer literal of more than 4,300 digits
(``sys.get_int_max_str_digits()``), makes the decoder raise a ``ValueError`` that is not a
syntax error and ended in a 500 wherever a view decoded it. All three are refused here as a
422 with a field-level error: every JSON request body (``civic.http_policy``) and every JSON
text inside a form field (the alert polygon) goes through :func:`loads_checked`.
"""

from __future__ import annotations

import json
import re
import sys

from civic.errors import N_, ValidationFailed

# Deeper than any document civic reads (a GeoJSON polygon is 5 levels).
MAX_DEPTH = 32

_SURROGATE = re.compile("[\ud800-\udfff]")

# Python refuses to convert longer digit strings (CVE-2020-10735); no field of civic needs more
# than a handful of digits, so the limit only matters for the error it gives.
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300


class JsonRejected(ValidationFailed, ValueError):
    """A JSON text civic will not process. Also a ``ValueError``, so code that treats malformed
    JSON as a validation error catches it too."""


def loads_checked(text: str | bytes, field: str = "body"):
    """``json.loads`` that refuses lone surrogates and nesting deeper than ``MAX_DEPTH``.
    Malformed JSON raises ``ValueError`` as ``json.loads`` does."""
    if _nested_deeper_than(text if isinstance(text, str) else text.decode("utf-8", "replace"), MAX_DEPTH + 1):
        # Decided before decoding: a RecursionError caught inside json.loads leaves CPython 3.11's
        # recursion bookkeeping off, and a later compile() in the same thread fails.
        raise JsonRejected({field: N_("The JSON is nested too deeply (at most %(n)d levels).", n=MAX_DEPTH)})
    try:
        value = json.loads(text, parse_int=lambda digits: _parse_int(digits, field))
    except RecursionError:
        raise JsonRejected({field: N_("The JSON is nested too deeply (at most %(n)d levels).", n=MAX_DEPTH)}) from None
    check_value(value, field)
    return value


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


def _nested_deeper_than(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (one pass, no recursion)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for char in _STRINGS.sub("", text):
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _parse_int(digits: str, field: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonRejected({field: N_("The JSON holds an integer of more than %(n)d digits.", n=MAX_INT_DIGITS)})
    return int(digits)


def check_value(value, field: str = "body") -> None:
    """Walk a decoded JSON value without recursion: depth and text are checked."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise JsonRejected({field: N_("The JSON contains an invalid Unicode escape (a lone surrogate).")})
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise JsonRejected({field: N_("The JSON is nested too deeply (at most %(n)d levels).", n=MAX_DEPTH)})
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        else:
            stack.extend((child, depth + 1) for child in item)
