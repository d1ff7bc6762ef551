"""Fetching and reading one relay source (``civic.alerts.ingest`` applies what it reads)."""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import requests
from flask import current_app

from civic.alerts.readers import Message, Refused, disastermsg, safetydata
from civic.alerts.readers import cap as cap_reader

log = logging.getLogger("civic.alerts.ingest")

MAX_BODY_BYTES = 5 * 1024 * 1024
USER_AGENT = "civic-alert-relay/1"
FORMATS = ("safetydata", "disastermsg", "cap")


class FetchFailed(Exception):
    """The source could not be read (network, timeout, HTTP status, size)."""



# --- fetching -----------------------------------------------------------------------------------

def source_url(url: str, fmt: str) -> str:
    """The URL with ``serviceKey`` added for the national APIs (never logged with it)."""
    key = current_app.config.get("ALERTS_INGEST_SERVICE_KEY") or ""
    if not key or fmt == "cap":
        return url
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name == "serviceKey" for name, _ in query):
        return url
    query.append(("serviceKey", key))
    return urlunsplit(parts._replace(query=urlencode(query)))


def fetch(url: str, headers: dict | None = None) -> requests.Response:
    """GET with the configured timeouts and a size cap; 200 and 304 are answers, the rest fail."""
    timeout = float(current_app.config["ALERTS_INGEST_TIMEOUT_S"])
    started = time.monotonic()
    try:
        response = requests.get(url, headers={"User-Agent": USER_AGENT, **(headers or {})},
                                timeout=(timeout, timeout), stream=True, allow_redirects=True)
        if response.status_code not in (200, 304):
            response.close()
            raise FetchFailed(f"HTTP {response.status_code}")
        body = bytearray()
        for chunk in response.iter_content(65536):
            body.extend(chunk)
            if len(body) > MAX_BODY_BYTES:
                response.close()
                raise FetchFailed(f"larger than {MAX_BODY_BYTES} bytes")
            if time.monotonic() - started > 3 * timeout:
                response.close()
                raise FetchFailed("too slow (timeout)")
        response._content = bytes(body)
        return response
    except requests.Timeout:
        raise FetchFailed("timeout") from None
    except requests.RequestException as exc:
        raise FetchFailed(f"{type(exc).__name__}: {str(exc)[:150]}") from None


def _linked_fetcher(feed_url: str):
    """Linked CAP documents of a feed: http(s) on the feed's own host only."""
    host = urlsplit(feed_url).hostname

    def fetch_linked(url: str) -> bytes:
        url = urljoin(feed_url, url)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.hostname != host:
            raise FetchFailed(f"linked document not on the feed's host: {url}")
        response = fetch(url)
        if response.status_code != 200:
            raise FetchFailed(f"HTTP {response.status_code}")
        return response.content

    return fetch_linked


def read_document(fmt: str, data: bytes, url: str) -> list[Message | Refused]:
    if fmt == "safetydata":
        return safetydata.read(data)
    if fmt == "disastermsg":
        return disastermsg.read(data)
    if fmt == "cap":
        return cap_reader.read(data, fetch=_linked_fetcher(url))
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


