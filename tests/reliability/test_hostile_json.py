"""JSON no part of civic can process is a 4xx problem+json decided before any work (issue 14:
a lone surrogate escape answered 500 on every JSON write, 100,000-deep nesting a RecursionError
on every JSON endpoint and in the alert polygon field)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import login
from tests.factories import bearer, make_user

LONE_SURROGATE = b'{"title": "\\ud800", "description": "x\\udfffy", "text": "\\ud800", "body": "\\ud800"}'
DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000


def api_rules(app, methods: set[str]):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted((rule.methods or set()) & methods):
            path = re.sub(r"<int:[^>]+>", "1", rule.rule)
            path = re.sub(r"<[^>]+>", "x", path)
            yield method, path


def count_rows(db) -> int:
    return sum(db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables)


def assert_problem(response, method, path):
    assert 400 <= response.status_code < 500, (method, path, response.status_code)
    assert response.mimetype == "application/problem+json", (method, path, response.mimetype)


def test_a_lone_surrogate_is_refused_on_every_json_write(app, client, db, departments):
    headers = {**bearer(make_user("admin", email="admin@example.org")), "Content-Type": "application/json"}
    before = count_rows(db)
    writes = list(api_rules(app, {"POST", "PUT", "PATCH", "DELETE"}))
    assert len(writes) > 20
    for method, path in writes:
        response = client.open(path, method=method, data=LONE_SURROGATE, headers=headers)
        assert_problem(response, method, path)
        assert response.status_code == 422, (method, path, response.status_code)
        assert "body" in response.json["errors"]
    assert count_rows(db) == before  # nothing was done


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_absurd_nesting_is_refused_on_every_json_endpoint(app, client, db, departments, body):
    headers = {**bearer(make_user("admin", email="admin@example.org")), "Content-Type": "application/json"}
    for method, path in api_rules(app, {"GET", "POST", "PUT", "PATCH", "DELETE"}):
        response = client.open(path, method=method, data=body, headers=headers)
        assert_problem(response, method, path)
        assert response.status_code == 422, (method, path, response.status_code)


def test_reasonable_nesting_still_works(app, client):
    from civic.json_input import MAX_DEPTH, loads_checked

    assert loads_checked("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert loads_checked('{"name": "\\ud55c\\uae00 \\ud83d\\ude00"}') == {"name": "한글 😀"}  # a valid pair
    with pytest.raises(ValueError):
        loads_checked("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_the_alert_polygon_field_refuses_deep_and_surrogate_json(app, client, db, departments):
    make_user("alert_officer", email="officer@example.org")
    login(client, "officer@example.org")
    base = {"type": "heavy_rain", "level": "urgent", "headline_ko": "호우 경보", "body_ko": "침수 우려",
            "expires_in_min": "60"}
    for polygon in (DEEP.decode(), '{"type": "Polygon", "coordinates": "\\ud800"}',
                    '{"type": "Polygon", "coordinates": ' + "[" * 5000 + "]" * 5000 + "}"):
        response = client.post("/staff/alerts/new", data={**base, "polygon": polygon})
        assert response.status_code == 422
    from civic.alerts.models import Alert

    assert db.session.query(Alert).count() == 0


HUGE_INT = b'{"email": 1, "endpoint": ' + b"7" * 5000 + b', "keys": {"p256dh": -' + b"9" * 4301 + b'}}'


def test_an_integer_of_more_than_4300_digits_is_a_422_on_every_json_endpoint(app, client, db, departments):
    """Issue 23: Python refuses to convert such a literal, and the ``ValueError`` from the
    decoder answered 500 on 15 JSON endpoints (3 of them without sign-in)."""
    admin = {**bearer(make_user("admin", email="admin@example.org")), "Content-Type": "application/json"}
    before = count_rows(db)
    for headers in ({"Content-Type": "application/json"}, admin):
        for method, path in api_rules(app, {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(path, method=method, data=HUGE_INT, headers=headers)
            assert_problem(response, method, path)
            if method != "GET":
                assert response.status_code == 422, (method, path, response.status_code)
                # In the request's language (Korean by default): "JSON에 4300자리를 넘는 정수가 있습니다."
                assert "4300자리" in response.json["errors"]["body"]
    assert count_rows(db) == before  # nothing was done
    for method, path in (("POST", "/api/v1/accounts"), ("POST", "/api/v1/push/subscriptions"),
                         ("DELETE", "/api/v1/push/subscriptions")):   # the three without sign-in
        response = client.open(path, method=method, data=HUGE_INT, headers={"Content-Type": "application/json"})
        assert response.status_code == 422


def test_integers_up_to_the_limit_still_decode():
    from civic.json_input import MAX_INT_DIGITS, loads_checked

    assert loads_checked(b"[" + b"9" * MAX_INT_DIGITS + b"]") == [int("9" * MAX_INT_DIGITS)]
    assert loads_checked(b'{"n": -12, "f": 1.5e3}') == {"n": -12, "f": 1500.0}
    with pytest.raises(ValueError):
        loads_checked(b"[" + b"9" * (MAX_INT_DIGITS + 1) + b"]")
