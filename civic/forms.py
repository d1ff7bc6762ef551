"""Helpers shared by HTML form views."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, redirect, url_for
from flask_babel import get_locale
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField

from civic.errors import Conflict, DomainError, ValidationFailed, translate, translate_errors
from civic.geo import all_districts
from civic.idempotency import new_token

T = TypeVar("T")


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


def _refusal(exc: DomainError) -> str:
    return "; ".join(translate_errors(exc.errors).values()) if exc.errors else translate(exc.detail)


def refuse(exc: DomainError, endpoint: str, **values) -> Response:
    """A refused action on a button-only form: say why and go back to the page."""
    flash(_refusal(exc), "error")
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


def submit(form: FlaskForm, action: Callable[[], T], *, success: str | Callable[[T], str],
           redirect_to: str | Callable[[T], str], refuse_to: str | None = None,
           renew_token: bool = False) -> Response | None:
    """The usual posted form: when ``form`` validates, run ``action`` (the service call), flash
    ``success`` and redirect to ``redirect_to`` (either may be a function of what ``action``
    returned). Returns None when the page is to be rendered again (not submitted, not valid, or
    refused with field errors, which are put on the form: ``apply_errors``); the view then renders
    it with its usual status.

    Other refusals (``DomainError``) go to the error pages unless ``refuse_to`` (a URL) is given:
    then they are flashed and the browser is sent there (``refuse``). With ``renew_token`` a
    ``Conflict`` means the form's one-time token already made something else
    (``token_already_used``): the form is shown again with a fresh token."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return None
    except DomainError as exc:
        if renew_token and isinstance(exc, Conflict):
            token_already_used(form, exc)
            return None
        if refuse_to is None:
            raise
        flash(_refusal(exc), "error")
        return redirect(refuse_to)
    flash(success(result) if callable(success) else success, "success")
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
