"""A minimal keep-alive HTTP/1.1 client for Web Push POSTs, on asyncio streams.

Why not aiohttp (which pywebpush brings along): a push POST is one small request and an empty
answer, and the CPU per message is what bounds a fan-out worker; bench/push_fanout.py measures
this client against an aiohttp session on the same bodies in every run (docs/alerts.md has the
figures). Everything a push service may answer is handled: Content-Length or chunked bodies,
``Connection: close``, a body cut short by EOF, 1xx interim answers (skipped for the final one),
bounded header and body sizes. TLS is verified with the system's CA store.

Proxies come from the standard environment, as urllib reads it (``getproxies``/``proxy_bypass``):
an https origin goes through ``HTTPS_PROXY`` (an ``http://[user:password@]host:port`` proxy,
tunnelled with CONNECT, TLS end to end) unless ``NO_PROXY`` lists its host.
"""

from __future__ import annotations

import asyncio
import base64
import re
import ssl
import urllib.request
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

MAX_HEADER_BYTES = 64 * 1024
_TARGET = re.compile(r"/[\x21-\x7e]*\Z")  # a path (and query) of visible ASCII: nothing to break the request line
MAX_BODY_BYTES = 1024 * 1024
MAX_INTERIM_ANSWERS = 16


class ProtocolError(Exception):
    """The server's answer was not valid HTTP/1.1 (or too large)."""


class InvalidTarget(ValueError):
    """The request target (an endpoint's path) cannot be sent as it is."""


class ProxyError(ConnectionError):
    """The proxy refused the CONNECT tunnel (or its URL is not usable)."""


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
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"

    @property
    def authority(self) -> str:
        """``host:port`` as a CONNECT request names it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class Proxy:
    host: str
    port: int
    authorization: str | None = None  # ``Basic …`` when the URL carries user:password

    @classmethod
    def from_url(cls, url: str) -> Proxy:
        if "://" not in url:  # "host:port", as curl and requests accept it
            url = "http://" + url
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ProxyError(f"HTTPS_PROXY must be an http://host:port proxy, not {parts.scheme}://")
        authorization = None
        if parts.username is not None:
            credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            authorization = "Basic " + base64.b64encode(credentials.encode()).decode("ascii")
        return cls(parts.hostname, parts.port or 80, authorization)


def proxy_for(origin: Origin) -> Proxy | None:
    """The proxy the standard environment names for an origin, or None to connect directly.

    https origins use ``HTTPS_PROXY`` (or ``https_proxy``) unless ``NO_PROXY`` matches the host,
    with urllib's own rules. Plain http origins (only ever local test services) go direct."""
    if origin.scheme != "https":
        return None
    url = urllib.request.getproxies().get("https")
    if not url or urllib.request.proxy_bypass(origin.authority):
        return None
    return Proxy.from_url(url)


@dataclass
class Response:
    status: int
    headers: dict[str, str]


class Connection:
    """One persistent connection to one origin; reopened after errors or ``Connection: close``."""

    def __init__(self, origin: Origin, ssl_context: ssl.SSLContext | None, proxy: Proxy | None = None):
        self.origin = origin
        self.ssl_context = ssl_context
        self.proxy = proxy
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.served = 0

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        context = None
        if self.origin.scheme == "https":
            context = self.ssl_context = self.ssl_context or default_ssl_context()
        if self.proxy is None:
            reader, writer = await asyncio.open_connection(
                self.origin.host, self.origin.port, ssl=context,
                server_hostname=self.origin.host if context else None, limit=MAX_HEADER_BYTES)
        else:
            reader, writer = await asyncio.open_connection(self.proxy.host, self.proxy.port, limit=MAX_HEADER_BYTES)
            try:
                await self._tunnel(self.proxy, reader, writer)
                if context:  # TLS with the push service inside the tunnel: the proxy sees only bytes
                    await writer.start_tls(context, server_hostname=self.origin.host)
            except BaseException:
                writer.close()
                raise
        self.reader, self.writer, self.served = reader, writer, 0
        return reader, writer

    async def _tunnel(self, proxy: Proxy, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        lines = [f"CONNECT {self.origin.authority} HTTP/1.1", f"Host: {self.origin.authority}"]
        if proxy.authorization:
            lines.append(f"Proxy-Authorization: {proxy.authorization}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        status, _version, _headers = await _read_final_head(reader)
        if not 200 <= status < 300:
            raise ProxyError(f"proxy answered {status} to CONNECT {self.origin.authority}")

    def is_open(self) -> bool:
        """Connected, and not closed by either side as far as this end knows."""
        return (self.reader is not None and self.writer is not None and not self.writer.is_closing()
                and not self.reader.at_eof())

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def post(self, target: str, headers: str, body: bytes) -> Response:
        """POST and read the whole answer. ``headers`` is the pre-rendered ``Name: value\\r\\n`` block.

        Raises InvalidTarget, before anything is written, for a target that is not visible ASCII
        (a space, CR/LF or non-ASCII character would break or smuggle into the request line)."""
        if not _TARGET.match(target):
            raise InvalidTarget("the endpoint path is not RFC 3986 characters")
        head = (f"POST {target} HTTP/1.1\r\nHost: {self.origin.host_header}\r\n"
                f"Content-Length: {len(body)}\r\n{headers}\r\n").encode("latin-1")
        for reuse_attempt in (True, False):
            if self.reader is None or self.writer is None or self.writer.is_closing():
                reader, writer = await self._open()
            else:
                reader, writer = self.reader, self.writer
            reused = self.served > 0
            try:
                writer.write(head + body)
                return await self._read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                self.close()
                # A kept-alive connection the server closed while idle: try once on a fresh one.
                if not (reused and reuse_attempt and not getattr(exc, "partial", b"")):
                    raise
            except BaseException:
                self.close()
                raise
        raise ConnectionError("unreachable")

    async def _read_response(self, reader: asyncio.StreamReader) -> Response:
        status, version, headers = await _read_final_head(reader)
        keep_alive = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
        if "chunked" in headers.get("transfer-encoding", "").lower():
            await _drain_chunked(reader)
        elif "content-length" in headers:
            try:
                length = int(headers["content-length"])
            except ValueError as exc:
                raise ProtocolError("bad Content-Length") from exc
            if length < 0:
                raise ProtocolError("bad Content-Length")
            if length > MAX_BODY_BYTES:
                raise ProtocolError("response body too large")
            if length:
                await reader.readexactly(length)
        elif status in (204, 304):
            pass
        else:  # the body runs to the end of the connection
            await reader.read(MAX_BODY_BYTES)
            keep_alive = False
        self.served += 1
        if not keep_alive:
            self.close()
        return Response(status, headers)


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, str, dict[str, str]]:
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
    return status, version, headers


async def _read_final_head(reader: asyncio.StreamReader) -> tuple[int, str, dict[str, str]]:
    """The final answer's head: 1xx answers (100 Continue, 103 Early Hints) are interim and carry
    no body, so they are read and skipped."""
    for _ in range(MAX_INTERIM_ANSWERS):
        status, version, headers = await _read_head(reader)
        if status == 101:
            raise ProtocolError("unexpected 101 Switching Protocols")
        if not 100 <= status < 200:
            return status, version, headers
    raise ProtocolError("too many interim (1xx) answers")


async def _drain_chunked(reader: asyncio.StreamReader) -> None:
    total = 0
    while True:
        size_line = await _read_line(reader)
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise ProtocolError("bad chunk size") from exc
        if size < 0:
            raise ProtocolError("bad chunk size")
        if size == 0:
            for _ in range(MAX_INTERIM_ANSWERS * 8):  # trailers, bounded
                if await _read_line(reader) == b"\r\n":
                    return
            raise ProtocolError("too many trailers")
        total += size
        if total > MAX_BODY_BYTES:
            raise ProtocolError("response body too large")
        await reader.readexactly(size + 2)


async def _read_line(reader: asyncio.StreamReader) -> bytes:
    """One CRLF-terminated line of at most ``MAX_HEADER_BYTES`` (a longer one is a protocol error)."""
    try:
        return await reader.readuntil(b"\r\n")
    except asyncio.LimitOverrunError as exc:
        raise ProtocolError("line too long") from exc


def default_ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()
