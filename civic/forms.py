"""Helpers shared by HTML form views."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import HiddenField

from civic.errors import Conflict, DomainError, ValidationFailed, translate, translate_errors
from civic.geo import all_districts
from civic.idempotency import new_token


def apply_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Attach a service's field errors, in the page's language, to the form so the page
    re-renders with messages."""
    for name, message in translate_errors(exc.errors).items():
        field = getattr(form, name.split(".")[0], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)


def district_choices(blank: str | None = None) -> list[tuple[str, str]]:
    """Select choices of the city's districts in the page's language, after a ``blank`` one
    (the label of "no district") when given."""
    locale = str(get_locale())
    return ([("", blank)] if blank is not None else []) + [(d.code, d.name(locale)) for d in all_districts()]


def refuse(exc: DomainError, endpoint: str, **values):
    """A refused action on a button-only form: say why and go back to the page."""
    message = "; ".join(translate_errors(exc.errors).values()) if exc.errors else translate(exc.detail)
    flash(message, "error")
    return redirect(url_for(endpoint, **values))


def client_token_field() -> HiddenField:
    """The hidden one-time token of a form that creates something (``civic.idempotency``): the
    view passes ``form.client_token.data`` to the service as ``client_token``, so the same form
    posted twice (a double tap on a slow phone) makes one item, and the second post lands on it."""
    return HiddenField(default=new_token)


def token_already_used(form: FlaskForm, exc: Conflict) -> None:
    """This form's token already made something different (sent back after a change): say so,
    and give the form a fresh token, so that sending it again makes a new item."""
    form.form_errors.append(translate(exc.detail))
    form.client_token.data = new_token()
