"""A minimal keep-alive HTTP/1.1 client for Web Push POSTs, on asyncio streams.

Why not aiohttp: a push POST is one small request and an empty answer; aiohttp's general
machinery costs ~0.15 ms of CPU per request on this machine against ~0.04 ms here, and the CPU
per message is what bounds a fan-out worker (bench/push_fanout.py). Everything a push service may
answer is handled: Content-Length or chunked bodies, ``Connection: close``, a body cut short by EOF,
bounded header and body sizes; TLS is verified with the system's CA store.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024


class ProtocolError(Exception):
    """The server's answer was not valid HTTP/1.1 (or too large)."""


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return cls(parts.scheme, parts.hostname or "", port)

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


@dataclass
class Response:
    status: int
    headers: dict[str, str]


class Connection:
    """One persistent connection to one origin; reopened after errors or ``Connection: close``."""

    def __init__(self, origin: Origin, ssl_context: ssl.SSLContext | None):
        self.origin = origin
        self.ssl_context = ssl_context
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.served = 0

    async def _open(self) -> None:
        tls = self.origin.scheme == "https"
        self.reader, self.writer = await asyncio.open_connection(
            self.origin.host, self.origin.port, ssl=self.ssl_context if tls else None,
            server_hostname=self.origin.host if tls else None, limit=MAX_HEADER_BYTES)
        self.served = 0

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def post(self, target: str, headers: str, body: bytes) -> Response:
        """POST and read the whole answer. ``headers`` is the pre-rendered ``Name: value\\r\\n`` block."""
        head = (f"POST {target} HTTP/1.1\r\nHost: {self.origin.host_header}\r\n"
                f"Content-Length: {len(body)}\r\n{headers}\r\n").encode("latin-1")
        for reuse_attempt in (True, False):
            if self.writer is None or self.writer.is_closing():
                await self._open()
            reused = self.served > 0
            try:
                self._streams()[1].write(head + body)
                return await self._read_response()
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                self.close()
                # A kept-alive connection the server closed while idle: try once on a fresh one.
                if not (reused and reuse_attempt and not getattr(exc, "partial", b"")):
                    raise
            except BaseException:
                self.close()
                raise
        raise ConnectionError("unreachable")

    def _streams(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None:
            raise ConnectionError("not connected")
        return self.reader, self.writer

    async def _read_response(self) -> Response:
        reader = self._streams()[0]
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError as exc:
            raise ProtocolError("response headers too large") from exc
        lines = raw.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        if not version.startswith("HTTP/1."):
            raise ProtocolError("not an HTTP/1.x response")
        try:
            status = int(rest[:3])
        except ValueError as exc:
            raise ProtocolError("bad status line") from exc
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        keep_alive = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
        if "chunked" in headers.get("transfer-encoding", "").lower():
            await self._drain_chunked()
        elif "content-length" in headers:
            try:
                length = int(headers["content-length"])
            except ValueError as exc:
                raise ProtocolError("bad Content-Length") from exc
            if length > MAX_BODY_BYTES:
                raise ProtocolError("response body too large")
            if length:
                await reader.readexactly(length)
        elif status in (204, 304) or 100 <= status < 200:
            pass
        else:  # the body runs to the end of the connection
            await reader.read(MAX_BODY_BYTES)
            keep_alive = False
        self.served += 1
        if not keep_alive:
            self.close()
        return Response(status, headers)

    async def _drain_chunked(self) -> None:
        reader = self._streams()[0]
        total = 0
        while True:
            size_line = await reader.readuntil(b"\r\n")
            try:
                size = int(size_line.split(b";", 1)[0].strip(), 16)
            except ValueError as exc:
                raise ProtocolError("bad chunk size") from exc
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                    pass
                return
            total += size
            if total > MAX_BODY_BYTES:
                raise ProtocolError("response body too large")
            await reader.readexactly(size + 2)


def default_ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()
