"""Petition fixtures: seeded types and one person per role that matters for visibility."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from PIL import Image

from civic.petitions import service
from tests.factories import make_user


def png_bytes(color="green", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def upload(data: bytes | None = None, name: str = "photo.png") -> service.Upload:
    return service.Upload(io.BytesIO(data if data is not None else png_bytes()), name)


@pytest.fixture
def petition_types(departments):
    from civic.petitions.seed import seed

    seed()
    return {t.code: t for t in service.list_types(include_inactive=True)}


@pytest.fixture
def people(petition_types):
    """Citizens, staff of the handling department (PARKS) and of another, admins."""
    return SimpleNamespace(
        citizen=make_user(email="citizen@example.org", name="Kim Citizen"),
        other_citizen=make_user(email="other@example.org"),
        staff=make_user("staff", "PARKS", email="parks@example.org", name="Park Staff"),
        colleague=make_user("staff", "PARKS", email="parks2@example.org", name="Second Parks"),
        outsider=make_user("staff", "ROADS", email="roads@example.org"),
        dept_admin=make_user("department_admin", "PARKS", email="parkshead@example.org"),
        admin=make_user("admin", email="admin@example.org"),
    )


def file(user, type_code="parks", **kwargs):
    values = {"title": "Broken bench", "body": "The bench in the park is broken.", **kwargs}
    return service.file_petition(user, type_code=type_code, **values)
