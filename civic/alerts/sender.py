"""Concurrent Web Push delivery over persistent aiohttp connections.

HTTP only, no database: the caller hands over messages and receives results in groups as
they complete (so they can be recorded at once, and a worker that dies loses little).
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import aiohttp

from civic.alerts.webpush import VapidSigner, b64url_decode, encrypt

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}
GONE_STATUSES = {404, 410}


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
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now or time.time()))


class PushSender:
    def __init__(self, signer: VapidSigner, settings: SenderSettings):
        self.signer = signer
        self.settings = settings

    def send_all(self, messages: Iterable[PushMessage],
                 on_results: Callable[[list[PushResult]], None]) -> None:
        """Send every message; ``on_results`` gets each group of finished results."""
        asyncio.run(self._send_all(list(messages), on_results))

    async def _send_all(self, messages: list[PushMessage], on_results) -> None:
        if not messages:
            return
        connector = aiohttp.TCPConnector(limit=self.settings.concurrency, limit_per_host=self.settings.concurrency)
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout_s)
        semaphore = asyncio.Semaphore(self.settings.concurrency)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            async def bounded(message):
                async with semaphore:
                    return await self._deliver(session, message)

            pending = {asyncio.ensure_future(bounded(m)) for m in messages}
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                on_results([task.result() for task in done])

    def _headers(self, message: PushMessage) -> dict[str, str]:
        headers = {
            "TTL": str(max(0, int(message.ttl))),
            "Urgency": message.urgency,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Authorization": self.signer.header_for(message.endpoint),
        }
        if message.topic:
            headers["Topic"] = message.topic
        return headers

    async def _deliver(self, session: aiohttp.ClientSession, message: PushMessage) -> PushResult:
        try:
            body = encrypt(message.payload, b64url_decode(message.p256dh), b64url_decode(message.auth))
        except ValueError as exc:
            return PushResult(message.key, "failed", None, 0, f"encryption: {exc}"[:200])
        attempt = 0
        while True:
            attempt += 1
            status, retry_after, error = None, None, ""
            try:
                async with session.post(message.endpoint, data=body, headers=self._headers(message)) as resp:
                    status = resp.status
                    retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
                    await resp.read()
            except (TimeoutError, asyncio.TimeoutError):
                error = "timeout"
            except aiohttp.ClientError as exc:
                error = f"{type(exc).__name__}"
            if status is not None and 200 <= status < 300:
                return PushResult(message.key, "sent", status, attempt)
            if status in GONE_STATUSES:
                return PushResult(message.key, "gone", status, attempt)
            if status is not None and status not in RETRY_STATUSES:
                return PushResult(message.key, "failed", status, attempt, f"HTTP {status}")
            error = error or f"HTTP {status}"
            delay = self._backoff(attempt, retry_after)
            if attempt >= self.settings.max_attempts or delay is None:
                return PushResult(message.key, "failed", status, attempt, error)
            await asyncio.sleep(delay)

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before the next attempt, or None when the wait would be too long."""
        base = self.settings.retry_base_s * (2 ** (attempt - 1))
        delay = base * (0.5 + random.random() / 2)
        if retry_after is not None:
            delay = max(delay, retry_after)
        if delay > self.settings.retry_max_delay_s:
            return None
        return delay
