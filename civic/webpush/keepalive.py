"""Connections kept open from one send to the next, per thread.

A fan-out worker sends batch after batch to the same few push services. Each ``PushSender``
run used to open its connections and close them at the end; now a thread keeps one event loop
for its runs and the connections its last run left open and healthy, per push-service origin
(and proxy), for ``KEEP_IDLE_S`` seconds.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time

from civic.webpush.http1 import Connection, Proxy


class Kept(threading.local):
    """This thread's event loop and the connections it keeps open from one run to the next.

    A fan-out worker sends batch after batch to the same few push services; opening every
    connection again for each batch cost ~13% of a batch's CPU on loopback, and a TLS handshake
    with a real push service costs more than a message's encryption. Connections belong to the
    loop that opened them, so each thread keeps one loop for its runs: a job pool thread, the
    CLI, an RQ ``SimpleWorker`` (a forking RQ worker's horse runs one job, so it keeps nothing
    between batches). A forked child starts empty: its parent's loop and sockets are not its."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.idle: dict[tuple[str, Proxy | None], list[tuple[Connection, float]]] = {}

    def ready(self) -> asyncio.AbstractEventLoop:
        if self.pid != os.getpid():
            self.pid, self.loop, self.idle = os.getpid(), None, {}
        if self.loop is None or self.loop.is_closed():
            self.loop, self.idle = asyncio.new_event_loop(), {}
        stale = time.monotonic() - KEEP_IDLE_S
        for key, stack in list(self.idle.items()):  # push services not sent to for a while
            for connection, since in stack:
                if since < stale:
                    connection.close()
            self.idle[key] = [(c, since) for c, since in stack if since >= stale]
        return self.loop

    def forget(self) -> None:
        """Close the kept connections and the loop (after an interrupted run): start afresh."""
        for stack in self.idle.values():
            for connection, _since in stack:
                connection.close()
        self.idle = {}
        if self.loop is not None and not self.loop.is_closed():
            self.loop.close()
        self.loop = None

    def take(self, key: tuple[str, Proxy | None]) -> Connection | None:
        stack = self.idle.get(key)
        now = time.monotonic()
        while stack:
            connection, since = stack.pop()
            if now - since < KEEP_IDLE_S and connection.is_open():
                return connection
            connection.close()
        return None

    def give(self, key: tuple[str, Proxy | None], connection: Connection, limit: int) -> None:
        stack = self.idle.setdefault(key, [])
        if connection.is_open() and len(stack) < limit:
            stack.append((connection, time.monotonic()))
        else:
            connection.close()


KEEP_IDLE_S = 30.0  # a kept connection unused for longer is closed, not reused (servers drop idle ones)
kept = Kept()


def close_kept_connections() -> None:
    """Close this thread's kept connections and its loop (tests, a worker shutting down)."""
    kept.forget()


