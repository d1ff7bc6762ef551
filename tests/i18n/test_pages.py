"""Every page, rendered in Korean for each kind of visitor, has no interface text left in
English and no two-digit year (and the same pages in English have no Korean interface text)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.i18n.pages import build_path, html_routes, untranslated_text
from tests.i18n.world import build_world

ROLES = ("anonymous", "citizen", "staff", "officer", "admin")
TWO_DIGIT_YEAR = re.compile(r"(?<![\d.])\d{2}\. ?\d{1,2}\. ?\d{1,2}\.|\b\d{1,2}/\d{1,2}/\d{2}\b")
HANGUL = re.compile(r"[\uac00-\ud7a3]+(?:\s+[\uac00-\ud7a3]+)*")


@pytest.fixture
def world(app, departments):
    return build_world()


def _pages(app, client, world, role, language):
    if role != "anonymous":
        login(client, world["emails"][role])
    client.get(f"/lang/{language}")
    values = dict(world["values"])
    if role in ("officer", "admin"):
        values.update(world["staff_values"])
    for endpoint, rule in html_routes(app):
        path = build_path(rule, values)
        if path is None:
            continue
        response = client.get(path, headers={"Accept-Language": language})
        if response.status_code == 200 and response.mimetype == "text/html":
            yield endpoint, path, response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_korean_pages_have_no_english_interface_text(app, client, world, role):
    found, seen = {}, 0
    for _endpoint, path, html in _pages(app, client, world, role, "ko"):
        seen += 1
        problems = untranslated_text(html) + TWO_DIGIT_YEAR.findall(html)
        if problems:
            found[path] = sorted(set(problems))
    assert seen >= 15, f"only {seen} pages rendered for {role}"
    assert not found, "\n".join(f"{path}: {runs}" for path, runs in sorted(found.items()))


FORM_ROLES = ("citizen", "admin")


@pytest.mark.parametrize("role", FORM_ROLES)
def test_forms_sent_empty_answer_in_korean(app, client, world, role):
    """Every page form sent empty (or with a too-short password on sign-up) re-renders with
    its messages in Korean: service and validator messages included."""
    login(client, world["emails"][role])
    client.get("/lang/ko")
    values = {**world["values"], **world["staff_values"]}
    found, seen = {}, 0
    for endpoint, rule in html_routes(app):
        if "POST" not in rule.methods or endpoint == "accounts.delete_account":
            continue
        path = build_path(rule, values)
        if path is None:
            continue
        response = client.post(path, data={"step": "3"}, headers={"Accept-Language": "ko"})
        if response.mimetype == "text/html" and response.status_code in (200, 400, 422):
            seen += 1
            problems = untranslated_text(response.get_data(as_text=True))
            if problems:
                found[path] = sorted(set(problems))
    assert seen >= 5
    assert not found, "\n".join(f"{path}: {runs}" for path, runs in sorted(found.items()))


def test_sign_up_errors_are_in_korean(client):
    response = client.post("/register", data={"email": "someone@example.org", "password": "short"},
                           headers={"Accept-Language": "ko"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert untranslated_text(html) == []
    assert "10자 이상" in html
