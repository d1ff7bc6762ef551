"""Test data builders that go through the services, so the rules apply to test data too."""

from __future__ import annotations

import itertools

from civic.accounts import service

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_user(role: str = "citizen", department: str | None = None, email: str | None = None,
              password: str = PASSWORD, name: str = ""):
    email = email or f"user{next(_seq)}@example.org"
    if role != "citizen" and role not in ("alert_officer", "admin") and department is None:
        department = "CIVIL-AFFAIRS"
    return service.create_user(email, password, role, department, name)


def token_for(user) -> str:
    return service.issue_token(user)


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {token_for(user)}"}
