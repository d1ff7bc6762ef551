"""Model base, common columns and the unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic can alter and drop them on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


_CLOCK: ContextVar[datetime | None] = ContextVar("civic_clock", default=None)


def utcnow() -> datetime:
    """Now, in UTC: the clock of every rule and stored time (``clock_at`` sets it back)."""
    return _CLOCK.get() or datetime.now(UTC)


@contextmanager
def clock_at(when: datetime) -> Iterator[None]:
    """Demo content only (``flask seed --demo``): what the services do inside happens at ``when``
    (aware, in the past), so a demo item filed three days ago has the deadlines, updates and
    times it would have had. Never used on a request."""
    token = _CLOCK.set(when.astimezone(UTC))
    try:
        yield
    finally:
        _CLOCK.reset(token)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL lets readers and one writer work at once; busy_timeout makes concurrent writers wait
    # instead of failing at once; SQLite only enforces foreign keys when asked.
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@contextmanager
def unit_of_work():
    """One use case, one transaction: commit on success, roll back everything on error.

    Domain events emitted inside it (``civic.events.emit``) are dispatched here: in-transaction
    handlers just before the commit (their writes commit with the use case), after-commit
    handlers as jobs once it has committed. A rollback drops them.
    """
    from civic import events
    from civic.extensions import db

    try:
        yield db.session
        emitted = events.run_in_transaction(db.session)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        events.discard(db.session)
        raise
    events.run_after_commit(emitted)


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE run through the session matched. ``Session.execute`` is typed to
    return a ``Result``; for those statements it is a ``CursorResult``, which has ``rowcount``."""
    return cast(CursorResult[Any], result).rowcount
