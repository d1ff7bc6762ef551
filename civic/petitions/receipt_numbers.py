"""Receipt numbers ``YYYY-NNNNNN``: one counter row per year, incremented atomically.

The increment is an ``UPDATE … SET last = last + 1`` inside the filing transaction: the row lock
(PostgreSQL) or the write lock (SQLite) makes concurrent filings take turns, so two petitions
never get the same number. A filing that rolls back gives its number back; numbers may still
have gaps (e.g. after a failed commit), which is allowed — they are unique, not contiguous.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from civic.db import rowcount
from civic.extensions import db
from civic.petitions.models import ReceiptCounter


def _insert_counter_if_missing(year: int) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(ReceiptCounter).values(year=year, last=0).on_conflict_do_nothing())


def next_receipt_no(year: int) -> str:
    """Take the next number of ``year``; call inside the unit of work that stores the petition."""
    bumped = db.session.execute(
        update(ReceiptCounter).where(ReceiptCounter.year == year)
        .values(last=ReceiptCounter.last + 1).execution_options(synchronize_session=False)
    )
    if rowcount(bumped) == 0:
        _insert_counter_if_missing(year)
        db.session.execute(
            update(ReceiptCounter).where(ReceiptCounter.year == year)
            .values(last=ReceiptCounter.last + 1).execution_options(synchronize_session=False)
        )
    number = db.session.execute(
        select(ReceiptCounter.last).where(ReceiptCounter.year == year)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return format_receipt_no(year, number)


def format_receipt_no(year: int, number: int) -> str:
    return f"{year:04d}-{number:06d}"
