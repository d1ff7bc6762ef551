"""Creations that are safe to retry: one way for every face.

A client chooses a token for one creation (the web forms' hidden ``client_token``: a fresh
``new_token()`` in each rendered form, see ``civic.forms.client_token_field``; the JSON API's
``Idempotency-Key`` header, read by ``civic.api.requests.idempotency_key``). The model stores it in
a unique ``client_token`` column (``ClientTokenMixin``). ``create_once`` makes the row the first
time; sent again by the same owner with the same content, it returns that row instead of a second
one (also when the two requests race: the loser's unique violation finds the winner's row); the
same token from another owner, or with other content, is a ``Conflict``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from civic.errors import N_, Conflict
from civic.extensions import db

T = TypeVar("T")
MAX_TOKEN = 64


class ClientTokenMixin:
    """The client's token for the creation of this row (None when it sent none)."""

    client_token: Mapped[str | None] = mapped_column(String(MAX_TOKEN), unique=True)


def new_token() -> str:
    """A fresh one-time token for a creating web form (``civic.forms.client_token_field``): every
    rendering of an empty form gets its own, and a double tap posts the same one twice."""
    return secrets.token_urlsafe(24)


def clean_token(token: str | None) -> str | None:
    return (token or "").strip()[:MAX_TOKEN] or None


def replayed(model: type[T], token: str | None, *, owned: Callable[[T], bool],
             same: Callable[[T], bool]) -> T | None:
    """The row made earlier with ``token`` when this is the same request sent again by its owner;
    None for a new (or no) token. ``owned(row)``: the row is the caller's; ``same(row)``: it holds
    what the caller sent now."""
    if not token:
        return None
    column = model.client_token  # type: ignore[attr-defined]
    row: T | None = db.session.scalars(select(model).where(column == token)).first()
    if row is None:
        return None
    if not owned(row):
        raise Conflict(N_("This form was already used. Reload the page and send again."))
    if not same(row):
        raise Conflict(N_("This key was already used for a different request."))
    return row


def create_once(model: type[T], token: str | None, create: Callable[[], T], *, owned: Callable[[T], bool],
                same: Callable[[T], bool]) -> T:
    """``create()`` the row, unless ``token`` already made it (see ``replayed``). ``create`` stores
    ``token`` in the row's ``client_token`` and cleans up after itself when it fails."""
    existing = replayed(model, token, owned=owned, same=same)
    if existing is not None:
        return existing
    try:
        return create()
    except IntegrityError:
        existing = replayed(model, token, owned=owned, same=same)  # the same request sent twice at once
        if existing is not None:
            return existing
        raise

