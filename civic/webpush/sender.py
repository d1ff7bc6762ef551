"""Concurrent Web Push delivery over persistent HTTP/1.1 connections, per push-service origin.

HTTP only, no database: the caller hands over messages and receives results in groups as
they complete (so they can be recorded at once, and a worker that dies loses little).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import email.utils
import logging
import random
import re
import ssl
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from civic.webpush.crypto import VapidSigner, encrypt, origin_of
from civic.webpush.http1 import Connection, Origin, ProtocolError, Proxy, default_ssl_context, proxy_for
from civic.webpush.keepalive import kept as _kept

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}
GONE_STATUSES = {404, 410}
_DELTA_SECONDS = re.compile(r"[0-9]+")


@dataclass
class PushMessage:
    key: int
    endpoint: str
    p256dh: str
    auth: str
    payload: bytes
    ttl: int
    urgency: str = "normal"
    topic: str | None = None


@dataclass
class PushResult:
    key: int
    outcome: str  # sent | gone | failed
    status_code: int | None
    attempts: int
    error: str = ""


@dataclass
class SenderSettings:
    concurrency: int = 64
    timeout_s: float = 10.0
    max_attempts: int = 4
    retry_base_s: float = 1.0
    retry_max_delay_s: float = 60.0

    @classmethod
    def from_config(cls, config) -> SenderSettings:
        return cls(
            concurrency=int(config["PUSH_CONCURRENCY"]),
            timeout_s=float(config["PUSH_TIMEOUT_S"]),
            max_attempts=int(config["PUSH_MAX_ATTEMPTS"]),
            retry_base_s=float(config["PUSH_RETRY_BASE_S"]),
            retry_max_delay_s=float(config["PUSH_RETRY_MAX_DELAY_S"]),
        )


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), None when absent or bad.

    delta-seconds are ASCII digits only (RFC 9110 ``1*DIGIT``): ``str.isdigit`` also accepts
    "¹" or "٣", which ``float`` then refuses or reads as a number the server never sent."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now or time.time()))


RECORD_RETRY_S = (0.2, 1.0)  # waits before recording a group of results again


def hand_over(on_results: Callable[[list[PushResult]], None], group: list[PushResult]) -> None:
    """``on_results(group)``, tried again after a short wait when it fails.

    The messages of a group were answered: if the database blinks while they are recorded (a
    dropped connection, a lock timeout) and the run stopped, the caller's error path would hand
    them back as unsent and the job's retry would send them again. ``on_results`` must be
    all-or-nothing (one transaction). It blocks the run's event loop while it waits, as it does
    while it writes."""
    for wait in (*RECORD_RETRY_S, None):
        try:
            on_results(group)
            return
        except Exception:
            if wait is None:
                raise
            log.warning("recording %d push results failed; again in %.1f s", len(group), wait, exc_info=True)
            time.sleep(wait)


def describe(exc: BaseException) -> str:
    """A failed message's reason: the exception's type and text, within the column's 200 characters."""
    text = str(exc)
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:200]


def _target(endpoint: str, origin_url: str) -> str:
    """The request target of an endpoint: its path and query (``/`` when it has no path)."""
    rest = endpoint[len(origin_url):]
    return rest if rest.startswith("/") else "/" + rest


@dataclass
class _OriginState:
    """The work of one push-service origin: its queue of encrypted messages, how many are still
    undecided, and where finished results go.

    Every message is decided exactly once, through ``done``: a result is never lost (the
    periodic and final flushes hand it over) and a message is never decided twice."""

    queue: asyncio.Queue
    open: int
    workers: int
    finished: list[PushResult]
    full: asyncio.Event
    decided: set[int] = field(default_factory=set)

    def done(self, result: PushResult) -> None:
        if result.key in self.decided:  # defensive: one result per message, whatever happened
            log.error("push message %s decided twice; keeping the first result", result.key)
            return
        self.decided.add(result.key)
        self.finished.append(result)
        if len(self.finished) >= PushSender.FLUSH_SIZE:
            self.full.set()  # the flusher hands them over; a worker never runs the callback itself
        self.open -= 1
        if self.open == 0:  # everything decided: release the workers
            for _ in range(self.workers):
                self.queue.put_nowait(None)


class PushSender:
    """Sends with ``concurrency`` persistent connections per push-service origin.

    One message never stops the others: whatever goes wrong while encrypting, signing or sending
    it (a bad endpoint, a broken answer, an exception nobody foresaw) becomes that message's
    ``failed`` result with the reason. Only the caller's ``on_results`` failing (the database is
    gone) stops a run, and results already gathered are handed over on every way out: success,
    that failure, or cancellation (a job timeout, a shutdown)."""

    FLUSH_SIZE = 256  # hand results over once this many have finished…
    FLUSH_INTERVAL_S = 0.05  # …and at least this often while any are waiting
    ENCRYPT_CHUNK = 64  # messages encrypted in one go before the workers get them

    def __init__(self, signer: VapidSigner, settings: SenderSettings):
        self.signer = signer
        self.settings = settings
        self._ssl: ssl.SSLContext | None = None
        self._header_blocks: dict[tuple, str] = {}

    def send_all(self, messages: Iterable[PushMessage],
                 on_results: Callable[[list[PushResult]], None], *,
                 heartbeat: Callable[[], None] | None = None, heartbeat_s: float = 60.0) -> None:
        """Send every message; ``on_results`` gets each group of finished results.

        ``heartbeat``, when given, is called every ``heartbeat_s`` seconds while the run lasts,
        between flushes (the caller renews its claim on the messages: a run slowed down by
        timeouts and retries must not look dead, or another run would send them too). Like
        ``on_results``, it failing stops the run."""
        coroutine = self._send_all(list(messages), on_results, heartbeat, heartbeat_s)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            loop = _kept.ready()
            task = loop.create_task(coroutine)
            try:
                loop.run_until_complete(task)
            except BaseException:
                if not task.done():
                    # Interrupted from outside (a job timeout's signal, Ctrl-C): let the run take
                    # its own way out (gathered results are handed over), then start afresh.
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        loop.run_until_complete(task)
                    _kept.forget()
                raise
            return
        # Called from code that already runs an event loop: use a thread of our own, in the
        # caller's context (app context, database session), and wait for it.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(contextvars.copy_context().run, asyncio.run, coroutine).result()

    async def _send_all(self, messages: list[PushMessage], on_results, heartbeat=None,
                        heartbeat_s: float = 60.0) -> None:
        if not messages:
            return
        finished: list[PushResult] = []
        full = asyncio.Event()

        def flush() -> None:
            full.clear()
            if finished:
                group = finished[:]
                finished.clear()
                hand_over(on_results, group)

        by_origin: dict[str, list[PushMessage]] = defaultdict(list)
        refused: list[PushResult] = []
        for message in messages:
            try:
                origin = origin_of(message.endpoint)
                parsed = Origin.of(origin)  # a port out of range: refused here, alone
                if parsed.scheme not in ("http", "https") or not parsed.host:
                    raise ValueError("not an http(s) URL with a host")
            except Exception as exc:  # noqa: BLE001 - a bad endpoint is that message's failure
                refused.append(PushResult(message.key, "failed", None, 0, f"endpoint: {describe(exc)}"[:200]))
                continue
            by_origin[origin].append(message)
        finished.extend(refused)

        failure: list[BaseException] = []
        workers: list[asyncio.Future] = []

        async def flush_periodically() -> None:
            loop = asyncio.get_running_loop()
            beat_at = loop.time() + heartbeat_s
            while True:
                try:
                    async with asyncio.timeout(self.FLUSH_INTERVAL_S):
                        await full.wait()
                except TimeoutError:
                    pass
                try:
                    flush()
                    if heartbeat is not None and loop.time() >= beat_at:
                        heartbeat()
                        beat_at = loop.time() + heartbeat_s
                except Exception as exc:  # noqa: BLE001 - re-raised below, after the workers stop
                    failure.append(exc)
                    for worker in workers:
                        worker.cancel()
                    return

        for origin, group in by_origin.items():
            try:
                # The proxy of each origin, from the standard environment.
                proxy = proxy_for(Origin.of(origin))
            except Exception as exc:  # noqa: BLE001 - every message of this origin fails, the others go
                finished.extend(PushResult(m.key, "failed", None, 0, f"proxy: {describe(exc)}"[:200]) for m in group)
                continue
            count = min(self.settings.concurrency, len(group))
            state = _OriginState(asyncio.Queue(), len(group), count, finished, full)
            workers.append(asyncio.ensure_future(self._encrypt(group, state)))
            workers += [asyncio.ensure_future(self._worker(origin, proxy, state)) for _ in range(count)]
        flusher = asyncio.ensure_future(flush_periodically())
        try:
            await asyncio.gather(*workers)
        except asyncio.CancelledError:
            if not failure:
                raise
        finally:
            flusher.cancel()
            for worker in workers:
                worker.cancel()
            await asyncio.gather(flusher, *workers, return_exceptions=True)
            if not failure:
                # What was gathered is handed over on every way out (cancelled included); when
                # the callback itself failed, the caller's own error path takes over.
                flush()
        if failure:
            raise failure[0]

    async def _encrypt(self, group: list[PushMessage], state: _OriginState) -> None:
        """Encrypt an origin's messages ``ENCRYPT_CHUNK`` at a time and hand them to its workers.

        One encryption after another keeps the elliptic-curve code and tables in the CPU's caches;
        interleaved with the sending, each message cost ~40% more CPU (bench/push_fanout.py)."""
        for start in range(0, len(group), self.ENCRYPT_CHUNK):
            for message in group[start:start + self.ENCRYPT_CHUNK]:
                try:
                    body = encrypt(message.payload, message.p256dh, message.auth)
                except Exception as exc:  # noqa: BLE001 - this message fails, the others go on
                    state.done(PushResult(message.key, "failed", None, 0, f"encryption: {describe(exc)}"[:200]))
                    continue
                state.queue.put_nowait((message, 1, body))
            await asyncio.sleep(0)  # let the workers send this chunk

    async def _worker(self, origin_url: str, proxy: Proxy | None, state: _OriginState) -> None:
        loop = asyncio.get_running_loop()
        kept = _kept if _kept.loop is loop else None  # keep connections only on this thread's own loop
        connection: Connection | None = kept.take((origin_url, proxy)) if kept is not None else None
        setup_error = ""
        try:
            if connection is None:
                origin = Origin.of(origin_url)
                if origin.scheme == "https" and self._ssl is None:
                    self._ssl = default_ssl_context()
                connection = Connection(origin, self._ssl, proxy)
        except Exception as exc:  # noqa: BLE001 - the messages this worker takes fail with the reason
            setup_error = f"connection: {describe(exc)}"
        try:
            while True:
                item = await state.queue.get()
                if item is None:
                    return
                message, attempt, body = item
                if connection is None:
                    state.done(PushResult(message.key, "failed", None, attempt, setup_error[:200]))
                    continue
                try:
                    result, delay = await self._attempt(connection, origin_url, message, attempt, body)
                except Exception as exc:  # noqa: BLE001 - whatever it was, it is this message's result
                    connection.close()
                    log.warning("push message %s failed: %s", message.key, describe(exc))
                    result, delay = PushResult(message.key, "failed", None, attempt, describe(exc)), None
                if result is None:  # retry later without holding this connection
                    loop.call_later(delay, state.queue.put_nowait, (message, attempt + 1, body))
                    continue
                state.done(result)
        finally:
            if connection is not None:
                if kept is not None:  # open and answered in full: the next run of this thread reuses it
                    kept.give((origin_url, proxy), connection, self.settings.concurrency)
                else:
                    connection.close()

    def _headers(self, origin_url: str, message: PushMessage) -> str:
        """The header block; the messages of one alert share it (same token, TTL, urgency, topic)."""
        authorization = self.signer.header_for(origin_url)
        key = (authorization, message.ttl, message.urgency, message.topic)
        block = self._header_blocks.get(key)
        if block is None:
            lines = [f"TTL: {max(0, int(message.ttl))}", f"Urgency: {message.urgency}",
                     "Content-Encoding: aes128gcm", "Content-Type: application/octet-stream",
                     f"Authorization: {authorization}"]
            if message.topic:
                lines.append(f"Topic: {message.topic}")
            block = "\r\n".join(lines) + "\r\n"
            if len(self._header_blocks) > 1000:
                self._header_blocks.clear()
            self._header_blocks[key] = block
        return block

    async def _attempt(self, connection: Connection, origin_url: str, message: PushMessage, attempt: int,
                       body: bytes):
        """One POST. Returns (result, None) when decided, or (None, delay) to retry."""
        try:
            headers = self._headers(origin_url, message)
        except ValueError as exc:  # py-vapid refused the claims
            return PushResult(message.key, "failed", None, 0, str(exc)[:200]), None
        status, retry_after, error = None, None, ""
        try:
            async with asyncio.timeout(self.settings.timeout_s):
                response = await connection.post(_target(message.endpoint, origin_url), headers, body)
            status = response.status
            retry_after = retry_after_seconds(response.headers.get("retry-after"))
        except TimeoutError:
            connection.close()
            error = "timeout"
        except (OSError, asyncio.IncompleteReadError, ProtocolError, ssl.SSLError) as exc:
            connection.close()
            error = type(exc).__name__
        if status is not None and 200 <= status < 300:
            return PushResult(message.key, "sent", status, attempt), None
        if status in GONE_STATUSES:
            return PushResult(message.key, "gone", status, attempt), None
        if status is not None and status not in RETRY_STATUSES:
            return PushResult(message.key, "failed", status, attempt, f"HTTP {status}"), None
        error = error or f"HTTP {status}"
        delay = self._backoff(attempt, retry_after)
        if attempt >= self.settings.max_attempts or delay is None:
            return PushResult(message.key, "failed", status, attempt, error), None
        return None, delay

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the wait would be too long."""
        base = self.settings.retry_base_s * (2 ** (attempt - 1))
        delay = base * (0.5 + random.random() / 2)
        if retry_after is not None:
            delay = max(delay, retry_after)
        if delay > self.settings.retry_max_delay_s:
            return None
        return delay
