"""Plain-text input."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str | None) -> str:
    """Descriptions are plain text: strip control characters (markup is escaped on output)."""
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
