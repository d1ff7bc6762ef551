"""Reading JSON API request bodies: the one place that decodes JSON-or-multipart bodies against
a schema, and reads the ``Idempotency-Key`` header.

Every API face that takes a body with files (reports, map points, petitions, answers) calls
``read_body``; bodies without files go through flask-smorest's ``@bp.arguments``. Errors are
``ValidationFailed`` with field-level messages, so they answer problem+json like any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import FileStorage, MultiDict

from civic.errors import N_, ValidationFailed, flatten_messages

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,64}")      # printable ASCII, no spaces, like client_token
IDEMPOTENCY_DOC = {
    "in": "header", "name": IDEMPOTENCY_HEADER, "required": False, "schema": {"type": "string", "maxLength": 64},
    "description": "Any unique string (e.g. a UUID) chosen by the client for this creation. Sending the same "
                   "key again from the same account returns the resource made the first time (201, same "
                   "`Location`) instead of a second one; the same key with a different body is refused with "
                   "409. The same guarantee as the web forms' `client_token`.",
}


def read_body(schema: Schema, *, files: tuple[str, ...] = (),
              form_extra: Callable[[MultiDict], dict] | None = None) -> tuple[dict, list[FileStorage]]:
    """The request body loaded with ``schema``: a JSON object, or form fields (multipart or
    url-encoded; empty fields count as absent) plus the uploaded files of the ``files`` fields.
    ``form_extra`` turns form fields that JSON sends nested (``attribute[code]``) into values."""
    data: Any
    if request.mimetype in FORM_TYPES:
        data = {key: value for key, value in request.form.items() if value != ""}
        if form_extra is not None:
            data.update(form_extra(request.form))
        uploaded = [f for name in files for f in request.files.getlist(name) if f and f.filename]
    else:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed({"body": N_("Send a JSON object or a multipart form.")})
        uploaded = []
    try:
        return schema.load(data), uploaded
    except ValidationError as exc:
        raise ValidationFailed(flatten_messages(exc.messages)) from None


def idempotency_key() -> str | None:
    """The request's ``Idempotency-Key`` (None when absent); a malformed one is a 422."""
    value = request.headers.get(IDEMPOTENCY_HEADER)
    if value is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(value):
        raise ValidationFailed({IDEMPOTENCY_HEADER: N_("Use 1 to 64 printable characters without spaces.")})
    return value
