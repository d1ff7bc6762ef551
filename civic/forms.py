"""Helpers shared by HTML form views."""

from __future__ import annotations

from flask_wtf import FlaskForm

from civic.errors import ValidationFailed


def apply_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Attach a service's field errors to the form so the page re-renders with messages."""
    for name, message in exc.errors.items():
        field = getattr(form, name.split(".")[0], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)
