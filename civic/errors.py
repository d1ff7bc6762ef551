"""Domain errors and the one place where every error becomes a response.

Services raise the small hierarchy below; the API answers RFC 9457 problem+json, the site a
friendly page in the user's language, and other protocol faces (Open311) register their own
formatter for their URL prefix. No stack trace ever reaches a client.

Messages: a service writes every message it raises as ``N_("English text %(n)d.", n=5)``. That
is a ``Message``: a ``str`` holding the English text (what logs, the CLI and tests read) that
remembers its message id and parameters; ``translate`` renders it in the request's language.
It is called once, where errors are rendered: ``problem`` for the API, ``civic.forms`` for pages.
Every message id has its Korean translation in a catalog (tests/test_messages.py checks).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Message(str):
    """A translatable service message (see the module docstring)."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params) -> Message:
        message = super().__new__(cls, msgid % params if params else msgid)
        message.msgid, message.params = msgid, params
        return message


def N_(msgid: str, **params) -> str:
    """Mark a service message for the catalogs; it is translated where it is shown. (Typed as
    ``str``: a ``Message`` goes wherever a message string goes.)"""
    return Message(msgid, **params)


def translate(message) -> str:
    """A message in the request's language: a ``Message`` by its id and parameters, any other
    text by itself as message id (texts without a translation stay as they are)."""
    if isinstance(message, Message):
        return _(message.msgid, **message.params)
    return _(message) if isinstance(message, str) and message else message


def translate_errors(errors: dict) -> dict:
    return {name: translate(message) for name, message in errors.items()}


class DomainError(Exception):
    status = 400
    title = "Bad request"
    # A page of its own for the site face (it receives ``error`` and ``message``); None: the
    # generic error page.
    template: str | None = None

    def __init__(self, detail: str | None = None, *, errors: dict[str, str] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors or {}


class ValidationFailed(DomainError):
    status = 422
    title = "Validation failed"

    def __init__(self, errors: dict[str, str], detail: str | None = None):
        super().__init__(detail or N_("The request has invalid fields."), errors=errors)


class Unauthorized(DomainError):
    status = 401
    title = "Authentication required"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class ServiceUnavailable(DomainError):
    status = 503
    title = "Service unavailable"


ErrorFormat = Callable[[int, str, str, dict], Response]
ERROR_FORMATS = "civic_error_formats"


def register_error_format(app: Flask, prefix: str, formatter: ErrorFormat) -> None:
    """Errors of ``app`` under the URL ``prefix`` are rendered by ``formatter(status, title, detail,
    errors)``: faces with their own error format (e.g. Open311 GeoReport v2). Kept in
    ``app.extensions``, so each app has its own."""
    app.extensions.setdefault(ERROR_FORMATS, {})[prefix] = formatter


def _formatters() -> dict[str, ErrorFormat]:
    return current_app.extensions.get(ERROR_FORMATS, {})


def problem(status: int, title: str, detail: str | None = None, errors: dict | None = None,
            type_: str = "about:blank") -> Response:
    """problem+json; ``detail`` and the field ``errors`` in the request's language."""
    body = {"type": type_, "title": title, "status": status, "detail": translate(detail or title)}
    if errors:
        body["errors"] = translate_errors(errors)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def flatten_messages(messages, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow messages ({location: {field: [msg]}}) -> {"field.sub": "msg"}."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, (dict, list)) and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                flat.update(flatten_messages(value, name))
            else:
                flat[name] = value[0] if isinstance(value, list) and value else str(value)
    elif isinstance(messages, list):
        for i, value in enumerate(messages):
            flat.update(flatten_messages(value, f"{prefix}.{i}" if prefix else str(i)))
    return flat


def webargs_errors(data: dict | None) -> dict[str, str]:
    if not data or "messages" not in data:
        return {}
    messages = data["messages"]
    # Drop the location level (json/query/form/files) that webargs adds.
    merged: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            merged.update(location_messages)
    return flatten_messages(merged)


def _is_machine_face() -> str | None:
    path = request.path
    for prefix in _formatters():
        if path.startswith(prefix):
            return prefix
    if path.startswith("/api/"):
        return "/api/"
    return None


def _respond(status: int, title: str, detail: str, errors: dict | None = None,
             headers: dict | None = None, exc: DomainError | None = None) -> Response:
    face = _is_machine_face()
    if face == "/api/":
        response = problem(status, title, detail, errors)
    elif face:
        response = _formatters()[face](status, title, detail, errors or {})
    elif exc is not None and exc.template:
        response = Response(render_template(exc.template, status=status, error=exc, message=translate(detail)),
                            status=status)
    else:
        response = Response(
            render_template("errors/error.html", status=status, message=_page_message(status)),
            status=status,
        )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _page_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood. Please check the form and try again."),
        401: _("Please sign in to continue."),
        403: _("You do not have permission to see this page."),
        404: _("We could not find that page."),
        405: _("That action is not available here."),
        413: _("The upload is too large."),
        422: _("Some fields need your attention."),
        429: _("Too many attempts. Please wait a moment and try again."),
        503: _("The service is busy or under maintenance. Please try again shortly."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again later."))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return _respond(exc.status, exc.title, exc.detail, exc.errors, exc=exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        errors = webargs_errors(getattr(exc, "data", None))
        detail = exc.description or exc.name
        if errors:
            detail = "The request has invalid fields."
        headers = {}
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        if status == 429:
            retry_after = getattr(exc, "retry_after", None)
            if retry_after:
                headers["Retry-After"] = str(retry_after)
        return _respond(status, exc.name, detail, errors, headers)

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        from civic.extensions import db

        db.session.rollback()
        log.error("database unavailable: %s", exc.__class__.__name__)
        return _respond(503, "Service unavailable", "The database is unavailable; nothing was saved.",
                        headers={"Retry-After": "5"})

    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a pinned dependency
        pass
    else:
        @app.errorhandler(RedisConnectionError)
        @app.errorhandler(RedisTimeoutError)
        def queue_unavailable(exc):
            # Background work could not be queued: fail loudly (nothing is silently dropped).
            from civic.extensions import db

            db.session.rollback()
            log.error("job queue unavailable: %s", exc.__class__.__name__)
            return _respond(503, "Service unavailable", "The job queue is unavailable; please retry.",
                            headers={"Retry-After": "5"})

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        from civic.extensions import db

        if isinstance(exc, DBAPIError):
            db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _respond(500, "Internal server error", "An unexpected error occurred.")
