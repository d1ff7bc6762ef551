"""Offline drafts: a petition sent twice with the same client_token is filed once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from civic.errors import Conflict
from civic.extensions import db
from civic.petitions.models import Petition
from tests.conftest import login
from tests.petitions.conftest import file, upload


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Petition))


def stored_files(app) -> int:
    return sum(1 for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file())


def test_same_client_token_returns_the_same_petition(app, people):
    first = file(people.citizen, client_token="draft-1", uploads=[upload()])
    files = stored_files(app)
    again = file(people.citizen, client_token="draft-1", uploads=[upload()])
    assert again.id == first.id and count() == 1
    assert len(again.attachments) == 1 and stored_files(app) == files      # the resent photo is not kept
    other = file(people.citizen, client_token="draft-2")
    assert other.id != first.id and count() == 2
    # Without a token (no JavaScript) every submit files a new petition, as before.
    file(people.citizen)
    file(people.citizen)
    assert count() == 4


def test_a_token_used_by_someone_else_is_refused(people):
    file(people.citizen, client_token="draft-x")
    with pytest.raises(Conflict):
        file(people.other_citizen, client_token="draft-x")
    assert count() == 1


def test_the_form_carries_the_token_and_a_resend_lands_on_the_same_petition(client, people):
    login(client, "citizen@example.org")
    page = client.get("/petitions/new").get_data(as_text=True)
    assert 'name="client_token"' in page and 'data-draft="petition"' in page and 'id="drafts"' in page
    data = {"type": "parks", "title": "Bench", "body": "Broken bench", "contact_preference": "in_app",
            "client_token": "tok-view"}
    first = client.post("/petitions/new", data=data)
    second = client.post("/petitions/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count() == 1
