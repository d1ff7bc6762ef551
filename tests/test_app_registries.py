"""What features register at init time lives on the app (``app.extensions``), never in a module:
two apps built in one process do not see each other's deletion hooks, error formats or job pools."""

from __future__ import annotations

import pytest
from flask import Response

from civic import create_app, jobs
from civic.accounts.service import DELETION_HOOKS, delete_account, register_deletion_hook
from civic.errors import ERROR_FORMATS, register_error_format
from tests.conftest import make_config
from tests.factories import make_user

planted_calls: list[int] = []


def planted_hook(user) -> None:
    planted_calls.append(user.id)


def planted_format(status, title, detail, errors) -> Response:
    return Response(f"planted {status}", status=status, mimetype="text/plain")


@pytest.fixture
def other_app(tmp_path):
    return create_app(make_config(tmp_path / "other"))


@pytest.mark.fresh_app
def test_deletion_hooks_are_per_app(app, db, other_app):
    ours, theirs = app.extensions[DELETION_HOOKS], other_app.extensions[DELETION_HOOKS]
    assert ours is not theirs and set(ours) == set(theirs)        # each app has its features' own
    assert "civic.reports.service.forget_user" in ours
    register_deletion_hook(other_app, planted_hook)
    assert "tests.test_app_registries.planted_hook" not in ours
    user = make_user()
    planted_calls.clear()
    delete_account(user)
    assert planted_calls == []                                     # the other app's hook did not run here
    register_deletion_hook(app, planted_hook)
    delete_account(make_user())
    assert len(planted_calls) == 1


@pytest.mark.fresh_app
def test_error_formats_are_per_app(app, client, other_app):
    assert "/open311/" in app.extensions[ERROR_FORMATS] and "/open311/" in other_app.extensions[ERROR_FORMATS]
    register_error_format(other_app, "/planted/", planted_format)
    theirs = other_app.test_client().get("/planted/nowhere")
    assert theirs.status_code == 404 and theirs.get_data(as_text=True) == "planted 404"
    ours = client.get("/planted/nowhere")
    assert ours.status_code == 404 and ours.get_data(as_text=True) != "planted 404" and ours.mimetype == "text/html"


@pytest.mark.fresh_app
def test_job_pools_are_per_app(app, other_app):
    from civic.extensions import db

    other_app.config.update(JOBS_INLINE=False, JOBS_BACKEND="pool")
    with other_app.app_context():
        db.create_all()
    pool = jobs.start_pool(other_app, threads=1)
    try:
        assert pool is not None and jobs.running_pool(other_app) is pool
        assert jobs.running_pool(app) is None
    finally:
        jobs.stop_pool(other_app)
    assert jobs.running_pool(other_app) is None
