"""Response policy for every request: security headers, compression, caching.

- Security headers: a Content-Security-Policy without inline script, no framing, no MIME
  sniffing, a strict referrer policy, HSTS when the request arrived over TLS.
- Static files are fingerprinted (``?v=<content hash>``) and then cached for a year; pages are
  revalidated with a strong ETag, so a phone on a slow network re-downloads nothing unchanged.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from flask import Flask, Response, request
from flask_compress import Compress
from werkzeug.routing import IntegerConverter

from civic.errors import N_

compress = Compress()

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _fingerprint(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(app: Flask, filename: str) -> str | None:
    path = Path(app.static_folder) / filename
    try:
        return _fingerprint(str(path), path.stat().st_mtime)
    except OSError:
        return None


def content_security_policy(app: Flask) -> str:
    tile_origin = ""
    tile_url = app.config.get("TILE_URL") or ""
    if tile_url.startswith("http"):
        parsed = urlparse(tile_url.replace("{s}", "a"))
        tile_origin = f" {parsed.scheme}://{parsed.netloc.split('{')[0] or parsed.netloc}"
        if "{s}" in tile_url:
            tile_origin = f" {parsed.scheme}://*.{parsed.netloc.split('.', 1)[-1]}"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: blob:{tile_origin}",
        "connect-src 'self'",
        "font-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` that only matches values an id column (INTEGER) can hold, so an absurd id
    in a URL is a plain 404 instead of a database overflow (found by the API fuzz)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, 2**31 - 1 if max is None else max, signed)


def init_http_policy(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
        "application/geo+json", "application/problem+json", "application/manifest+json",
        "application/xml", "application/atom+xml", "image/svg+xml", "text/csv",
    ])
    compress.init_app(app)
    csp = content_security_policy(app)

    @app.url_defaults
    def _fingerprint_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(app, values["filename"])
            if version:
                values["v"] = version

    @app.before_request
    def _reject_nul_characters() -> None:
        """NUL is never meaningful in text, and PostgreSQL refuses it in strings: a request
        carrying one is a clear 422, not a database error (found by the API fuzz)."""
        from civic.errors import ValidationFailed

        if "\x00" in request.path or "\x00" in request.query_string.decode("latin-1"):
            raise ValidationFailed({"url": N_("The address contains a NUL character.")})
        if "%00" in request.query_string.decode("latin-1"):
            raise ValidationFailed({"url": N_("The address contains a NUL character.")})
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
                if any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)):
                    raise ValidationFailed({"form": N_("A field contains a NUL character.")})
            elif request.is_json:
                raw = request.get_data(cache=True)
                if b"\\u0000" in raw or b"\x00" in raw:
                    raise ValidationFailed({"body": N_("The body contains a NUL character.")})

    # Registered after Compress, so this runs first: the ETag is of the uncompressed page and a
    # 304 is decided before any compression work.
    @app.after_request
    def _policy(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.endpoint == "static":
            if request.args.get("v"):
                headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                headers["Cache-Control"] = "no-cache"
        elif (request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
              and not response.is_streamed):
            headers.setdefault("Cache-Control", "private, no-cache")
            response.vary.update(("Cookie", "Accept-Language"))
            response.add_etag()
            response.make_conditional(request)
        return response
