"""civic.forms.submit: the flow of a posted form shared by the HTML views."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from civic.errors import N_, Conflict, Forbidden, ValidationFailed
from civic.forms import client_token_field, submit


class NameForm(FlaskForm):
    name = StringField(validators=[DataRequired()])
    client_token = client_token_field()


def _post(app, data):
    return app.test_request_context("/", method="POST", data=data)


def test_valid_form_runs_the_action_flashes_and_redirects(app):
    with _post(app, {"name": "Ada"}):
        form = NameForm()
        response = submit(form, lambda: 7, success=lambda n: f"made {n}", redirect_to=lambda n: f"/items/{n}")
        assert response is not None and response.status_code == 302
        assert response.location == "/items/7"
        assert get_flashed_messages(with_categories=True) == [("success", "made 7")]


def test_invalid_form_does_not_run_the_action(app):
    calls = []
    with _post(app, {"name": ""}):
        form = NameForm()
        assert submit(form, lambda: calls.append(1), success="done", redirect_to="/") is None
        assert calls == [] and form.name.errors
        assert get_flashed_messages() == []


def test_validation_failed_puts_the_errors_on_the_form(app):
    def refuse_name():
        raise ValidationFailed({"name": N_("Taken."), "other": N_("Wrong.")})

    with _post(app, {"name": "Ada"}):
        form = NameForm()
        assert submit(form, refuse_name, success="done", redirect_to="/", refuse_to="/back") is None
        assert form.name.errors == ["Taken."] and form.form_errors == ["Wrong."]
        assert get_flashed_messages() == []


def test_other_refusals_go_to_the_error_page_unless_refuse_to(app):
    def forbidden():
        raise Forbidden(N_("Not yours."))

    with _post(app, {"name": "Ada"}):
        with pytest.raises(Forbidden):
            submit(NameForm(), forbidden, success="done", redirect_to="/")
    with _post(app, {"name": "Ada"}):
        response = submit(NameForm(), forbidden, success="done", redirect_to="/", refuse_to="/back")
        assert response is not None and response.location == "/back"
        assert get_flashed_messages(with_categories=True) == [("error", "Not yours.")]


def test_renew_token_shows_the_form_again_with_a_fresh_token(app):
    def used():
        raise Conflict(N_("This form was already sent."))

    with _post(app, {"name": "Ada", "client_token": "old-token"}):
        form = NameForm()
        assert submit(form, used, success="done", redirect_to="/", renew_token=True) is None
        assert form.form_errors == ["This form was already sent."]
        assert form.client_token.data != "old-token"
    with _post(app, {"name": "Ada", "client_token": "old-token"}):  # without it: an ordinary refusal
        with pytest.raises(Conflict):
            submit(NameForm(), used, success="done", redirect_to="/")
