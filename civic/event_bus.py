"""The dispatch of domain events (see ``civic.events`` for the pattern and the facts)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Flask, current_app

log = logging.getLogger("civic.events")

PENDING_KEY = "civic_pending_events"


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]


# --- Subscription and dispatch -----------------------------------------------------------------

@dataclass
class EventBus:
    """Handlers of one app, by event type and phase. Lives in ``app.extensions["civic_events"]``."""

    in_transaction: dict[type, list[Handler]] = field(default_factory=dict)
    after_commit: dict[type, list[tuple[Handler, str]]] = field(default_factory=dict)
    snapshots: dict[type, Callable[[], Iterable[tuple[int, Any]]]] = field(default_factory=dict)

    def handlers_for(self, event: Event) -> tuple[list[Handler], list[tuple[Handler, str]]]:
        now: list[Handler] = []
        later: list[tuple[Handler, str]] = []
        for kind in type(event).__mro__:
            now.extend(self.in_transaction.get(kind, ()))
            later.extend(self.after_commit.get(kind, ()))
        return now, later


def init_app(app: Flask) -> None:
    app.extensions.setdefault("civic_events", EventBus())


def bus(app: Flask | None = None) -> EventBus:
    target = app or current_app
    found = target.extensions.get("civic_events")
    if found is None:
        found = target.extensions["civic_events"] = EventBus()
    return found


def subscribe(app: Flask, event_type: type[E], handler: Callable[[E], None], *, after_commit: bool = False,
              queue: str = "default") -> None:
    """Call ``handler(event)`` for every ``event_type`` (and subclass) emitted in ``app``.

    After-commit handlers run as jobs, so they must be module-level functions (the job names
    them by dotted path); subscribing the same handler twice is a no-op.
    """
    registry = bus(app)
    if after_commit:
        qualname = getattr(handler, "__qualname__", "")
        if "<locals>" in qualname or "<lambda>" in qualname:
            raise ValueError(f"after-commit handler {qualname} must be a module-level function")
        entries = registry.after_commit.setdefault(event_type, [])
        if (handler, queue) not in entries:
            entries.append((handler, queue))
    else:
        handlers = registry.in_transaction.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)


def provide_snapshot(app: Flask, facts_type: type, source: Callable[[], Iterable[tuple[int, Any]]]) -> None:
    """The feature owning rows of ``facts_type`` (``PetitionFacts``, ...) says how to read every
    row's current facts, as ``(id, facts)`` pairs, so that a consumer can recount from scratch
    (``flask stats rebuild`` / ``check``) with the same rule it applies to events."""
    bus(app).snapshots[facts_type] = source


def snapshot(facts_type: type) -> Iterable[tuple[int, Any]]:
    """Every current ``(id, facts)`` of ``facts_type``; nothing when its feature is not installed."""
    source = bus().snapshots.get(facts_type)
    return source() if source is not None else ()


def emit(event: Event) -> None:
    """Record ``event`` in the current unit of work; handlers run when it commits."""
    from civic.extensions import db

    db.session.info.setdefault(PENDING_KEY, []).append(event)


def pending(session) -> list[Event]:
    return list(session.info.get(PENDING_KEY, ()))


def run_in_transaction(session) -> list[Event]:
    """Run the in-transaction handlers of every pending event (handlers may emit more), and
    return every event seen, for the after-commit phase. Called by ``unit_of_work``."""
    registry = bus()
    seen: list[Event] = []
    queue: list[Event] = session.info.get(PENDING_KEY, [])
    rounds = 0
    while queue:
        rounds += 1
        if rounds > 20:
            raise RuntimeError("domain events keep emitting each other (more than 20 rounds)")
        session.info[PENDING_KEY] = []
        for event in queue:
            seen.append(event)
            for handler in registry.handlers_for(event)[0]:
                handler(event)
        queue = session.info.get(PENDING_KEY, [])
    session.info.pop(PENDING_KEY, None)
    return seen


def run_after_commit(events: list[Event]) -> None:
    """Hand each event to its after-commit handlers as jobs. The facts are committed already: a
    failing handler is logged, never raised into the request that stated them."""
    if not events:
        return
    from civic import jobs

    registry = bus()
    for event in events:
        for handler, queue in registry.handlers_for(event)[1]:
            try:
                jobs.enqueue(handler, event, queue=queue, retries=2)
            except Exception:  # noqa: BLE001 - the fact stands; the effect is logged for a retry by hand
                log.exception("after-commit handler %s failed for %s", getattr(handler, "__qualname__", handler),
                              type(event).__name__)


def discard(session) -> None:
    session.info.pop(PENDING_KEY, None)
