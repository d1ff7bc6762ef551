"""Offline drafts: a report sent twice with the same client_token is filed once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from civic.errors import Conflict
from civic.extensions import db
from civic.reports.models import Report
from tests.conftest import login
from tests.factories import make_user
from tests.reports.conftest import GANGNAM, file_report, png_bytes


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def stored_files(app) -> int:
    return sum(1 for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def test_same_client_token_returns_the_same_report(app, catalog):
    user = make_user()
    first = file_report(user, client_token="draft-1", photos=[io.BytesIO(png_bytes())])
    files = stored_files(app)
    again = file_report(user, client_token="draft-1", photos=[io.BytesIO(png_bytes())])
    assert again.id == first.id and count() == 1 and stored_files(app) == files
    assert file_report(user, client_token="draft-2").id != first.id
    file_report(user)
    file_report(user)
    assert count() == 4


def test_a_token_used_by_someone_else_is_refused(catalog):
    file_report(make_user(), client_token="draft-x")
    with pytest.raises(Conflict):
        file_report(make_user(), client_token="draft-x")
    assert count() == 1


def test_the_form_carries_the_token_and_a_resend_lands_on_the_same_report(client, catalog):
    make_user(email="reporter@example.org")
    login(client, "reporter@example.org")
    where = {"lat": str(GANGNAM[0]), "lon": str(GANGNAM[1]), "address": "", "district_code": ""}
    page = client.get("/reports/new", query_string={**where, "step": "3", "service_code": "graffiti"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="client_token"' in html and 'data-draft="report"' in html
    data = {**where, "step": "3", "service_code": "graffiti", "description": "Tags on the wall",
            "client_token": "tok-view"}
    first = client.post("/reports/new", data=data)
    second = client.post("/reports/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count() == 1
