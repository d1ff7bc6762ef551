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

from flask import Flask, Response, g, request
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from civic.errors import N_
from civic.json_input import JsonRejected, loads_checked

compress = Compress()

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _fingerprint(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_version(app: Flask, filename: str) -> str | None:
    if app.static_folder is None:
        return None
    path = Path(app.static_folder) / filename
    try:
        return _fingerprint(str(path), path.stat().st_mtime)
    except OSError:
        return None


def content_security_policy(app: Flask) -> str:
    tile_origin = ""
    tile_url = app.config["TILE_URL"] or ""
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
    """``<int:…>`` that only matches ASCII digits and values an id column (INTEGER) can hold, so
    an absurd id in a URL is a plain 404 instead of a database overflow (found by the API fuzz).
    Werkzeug's ``\\d`` also matches every Unicode decimal digit (``/reports/１`` was report 1)."""

    regex = r"[0-9]+"
    signed_regex = r"-?[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, 2**31 - 1 if max is None else max, signed)


# Faces whose every answer is about the signed-in account (pages and JSON).
PRIVATE_BLUEPRINTS = {"accounts", "accounts_api", "petitions", "petitions_api", "notifications", "staff"}


JSON_MIMETYPES = {"application/json", "application/problem+json", "application/geo+json"}


def _is_private(response: Response) -> bool:
    """An answer about one account: any page or API answer behind sign-in (the decorators mark
    it), every petition, account, notification and staff face, anything asked with a personal
    access token, and every JSON answer read by a signed-in person (a JSON answer may say what
    this account did, e.g. ``supported_by_me``; one rule is safer than a list of such views)."""
    blueprint = request.blueprint or ""
    return bool(g.get("private_response") or blueprint in PRIVATE_BLUEPRINTS or "staff" in blueprint
                or g.get("auth_method") == "token"
                or (g.get("user") is not None and response.mimetype in JSON_MIMETYPES))


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, the client address (rate limits, throttling)
    comes from ``X-Forwarded-For`` and the scheme (HSTS, secure cookies' meaning, ``https://``
    in external URLs) from ``X-Forwarded-Proto``, each from the value the nearest trusted proxy
    appended. With 0 (the default) both headers are ignored: a client could forge them."""
    count = app.config["TRUSTED_PROXIES"]
    if count > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0)


def init_http_policy(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    trust_proxies(app)
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
                fields = list(request.form.items(multi=True))
                if any("\x00" in str(key) or "\x00" in str(value) for key, value in fields):
                    raise ValidationFailed({"form": N_("A field contains a NUL character.")})
                if any(not key for key, _ in fields) or any(not key for key in request.files):
                    # A multipart part without a name (found by the API fuzz: a 500 in every reader).
                    raise ValidationFailed({"form": N_("A form field has no name.")})
            elif request.is_json:
                raw = request.get_data(cache=True)
                if b"\\u0000" in raw or b"\x00" in raw:
                    raise ValidationFailed({"body": N_("The body contains a NUL character.")})

    @app.before_request
    def _reject_unprocessable_json() -> None:
        """A JSON body with a lone surrogate or absurd nesting is a 422 before any view runs
        (they used to end in a 500 wherever the value was used)."""
        if request.is_json and request.content_length != 0:
            raw = request.get_data(cache=True)
            if raw:
                try:
                    loads_checked(raw)
                except JsonRejected:
                    raise
                except ValueError:
                    pass  # malformed JSON: the view's parser answers it as before

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
        if _is_private(response):
            # About one account: never kept by the browser, the service worker or a shared cache.
            headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        elif request.endpoint == "static":
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
