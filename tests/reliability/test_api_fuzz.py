"""Schemathesis fuzz of the JSON API, driven by the app's own ``/api/v1/openapi.json``.

Every operation gets a bounded number of generated requests (schema-valid and schema-invalid),
sent through the WSGI app (no server) with an admin's bearer token. Nothing may answer 5xx, and
every 4xx must be an RFC 9457 problem document (``application/problem+json``).

Excluded: the ``multipart/form-data`` bodies of the upload operations (reports, petitions,
petition answers) — generated parts are never images and would only exercise the upload checks,
which ``tests/test_uploads.py`` covers; the JSON bodies of those operations are fuzzed.

(Driven with ``as_strategy`` rather than ``schema.parametrize()``: the lazy fixture loader of
schemathesis 4.32 does not run under pytest 9.)
"""

from __future__ import annotations

import contextvars
import os
import tempfile

import pytest
import schemathesis
from flask.globals import _cv_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from civic import create_app
from civic.errors import PROBLEM_JSON
from tests.factories import make_user, token_for

# Examples per operation; raise it locally (FUZZ_EXAMPLES=200) for a deeper run.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
METHODS = ("get", "post", "put", "patch", "delete")
# Characters ``str.isdigit()`` (or ``int()``) takes for digits although they are not ASCII
# digits: superscripts, Arabic-Indic, Devanagari, fullwidth, mathematical bold, NKo, a circled
# digit, a Roman numeral; each one answered 500 somewhere (issue 23: /api/v1/maps/%C2%B9).
UNICODE_DIGITS = ("\u00b9", "\u00b2\u00b3", "\u0661\u0662", "\u0967", "\uff11\uff12", "\U0001d7cf",
                  "\u07c1", "\u2460", "\u216b", "1\u00b9", "\u00bd", "\u0030\u0663")


def _operations() -> list[tuple[str, str]]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "JOBS_INLINE": True, "INSTANCE_PATH": tempfile.mkdtemp(prefix="civic-fuzz-")})
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return [(method.upper(), path) for path, item in document["paths"].items()
            for method in item if method in METHODS]


def _fresh_context(app):
    """Each request in its own app context and database session, as in production."""

    def wsgi(environ, start_response):
        def run():
            _cv_app.set(None)
            return app(environ, start_response)

        return contextvars.copy_context().run(run)

    return wsgi


def check_response(response, case) -> None:
    status = response.status_code
    where = f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"
    assert status < 500, f"{where} answered {status}: {response.text[:500]}"
    if 400 <= status < 500:
        headers = {name.lower(): value for name, value in response.headers.items()}
        content_type = headers.get("content-type") or [""]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith(PROBLEM_JSON), f"{where} answered {status} as {content_type!r}"


def _strategy(operation):
    media_type = None
    if operation.body:
        media_types = [body.media_type for body in operation.body]
        media_type = "application/json" if "application/json" in media_types else media_types[0]
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            strategies.append(operation.as_strategy(mode, media_type=media_type))
        except Exception:  # noqa: BLE001 - some operations have no negative space
            continue
    return st.one_of(strategies)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_api_never_fails_and_errors_are_problem_json(app, departments, method, path):
    token = token_for(make_user("admin", department="CIVIL-AFFAIRS"))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _fresh_context(app))
    operation = schema[path][method]

    @given(case=_strategy(operation), data=st.data())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"), database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def fuzz(case, data):
        # Half the cases put Unicode digit forms into the path and query parameters.
        if data.draw(st.booleans(), label="unicode digits"):
            for name in case.path_parameters or {}:
                case.path_parameters[name] = data.draw(st.sampled_from(UNICODE_DIGITS), label=name)
            for name in list(case.query or {}):
                case.query[name] = data.draw(st.sampled_from(UNICODE_DIGITS), label=name)
        check_response(case.call(headers={"Authorization": f"Bearer {token}"}), case)

    fuzz()


def test_ids_beyond_the_id_column_are_404_not_500(client, departments):
    """Regression (found by the fuzz): a huge integer id overflowed the database driver
    (SQLite beyond 64 bits, PostgreSQL's INTEGER beyond 32)."""
    for path in ("/api/v1/reports/1132762447587726701235273728", "/api/v1/places/99999999999999999999999",
                 "/api/v1/proposals/99999999999999999999999", "/reports/99999999999999999999999"):
        response = client.get(path)
        assert response.status_code == 404, path
    assert client.get("/api/v1/reports/132269388251").status_code == 404
    assert client.get("/api/v1/reports/2147483647").status_code == 404


def test_nul_characters_are_a_422_not_a_database_error(client, departments):
    """Regression (found by the fuzz on PostgreSQL, which refuses NUL in strings)."""
    user = make_user()
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    for response in (client.post("/api/v1/reports", json={"service_code": "a\u0000b"}, headers=headers),
                     client.get("/api/v1/petitions/2026%00", headers=headers),
                     client.get("/api/v1/places?q=a%00b")):
        assert response.status_code == 422
        assert response.mimetype == PROBLEM_JSON
    response = client.post("/open311/v2/requests.json", data={"api_key": "x\x00", "service_code": "p"})
    assert response.status_code == 400 and isinstance(response.get_json(), list)  # Open311: 400


def _rules_with_parameters(app):
    for rule in app.url_map.iter_rules():
        if rule.arguments and not rule.rule.startswith("/static"):
            for method in sorted((rule.methods or set()) & {"GET", "POST", "DELETE"}):
                yield rule, method


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
def test_unicode_digits_in_any_path_parameter_are_never_a_server_error(app, client, departments, digits):
    """Every route of every face (pages, API, Open311) with each of its parameters set to a
    Unicode digit form: a 4xx (or a page that exists), never a 500. ``str.isdigit`` accepted "¹"
    and ``int()`` then failed (``/api/v1/maps/%C2%B9``); Werkzeug's ``\\d`` took "１" for 1."""
    import re as _re
    from urllib.parse import quote

    admin = {"Authorization": f"Bearer {token_for(make_user('admin', department='CIVIL-AFFAIRS'))}"}
    checked = 0
    for rule, method in _rules_with_parameters(app):
        path = _re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda _m: quote(digits), rule.rule)
        for headers in ({}, admin):
            response = client.open(path, method=method, headers=headers)
            assert response.status_code < 500, (method, path, response.status_code)
            checked += 1
    assert checked > 50
    assert client.get("/api/v1/maps/%C2%B9").status_code == 404
    assert client.get("/api/v1/reports/%EF%BC%91").status_code == 404   # fullwidth 1 is not report 1
    assert client.get(f"/open311/v2/requests.json?service_request_id={quote(digits)}").status_code == 400


def test_a_multipart_part_without_a_name_is_a_422(client, departments):
    """Regression (found by the fuzz on PostgreSQL): a part with no ``name`` is a ``None`` key in
    ``request.form``, which every form reader (``attribute[code]`` answers) took for a string."""
    headers = {"Authorization": f"Bearer {token_for(make_user())}",
               "Content-Type": "multipart/form-data; boundary=B"}
    for body in (b'--B\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--B--\r\n',
                 b'--B\r\nContent-Disposition: form-data; filename="a.jpg"\r\n\r\nxx\r\n--B--\r\n'):
        response = client.post("/api/v1/reports", data=body, headers=headers)
        assert response.status_code == 422, response.status_code
        assert response.mimetype == PROBLEM_JSON and "form" in response.json["errors"]
