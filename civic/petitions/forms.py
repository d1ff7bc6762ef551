"""HTML forms. They only shape input: the rules (and their messages) are in the service."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Length, Optional


class PetitionForm(FlaskForm):
    type = SelectField(_l("Type of petition"), validate_choice=False)
    title = StringField(_l("Title"), validators=[Length(max=200)])
    body = TextAreaField(_l("What is the problem or request?"), validators=[Length(max=10_000)],
                         render_kw={"rows": 8})
    district = SelectField(_l("District (optional)"), validate_choice=False)
    lat = HiddenField(_l("Latitude"))
    lon = HiddenField(_l("Longitude"))
    client_token = HiddenField()  # idempotency key set by drafts.js: a resend returns the same petition
    attachments = MultipleFileField(_l("Photos (optional, up to 5)"),
                                    render_kw={"accept": "image/jpeg,image/png,image/webp", "multiple": True})
    contact_preference = RadioField(_l("How should we contact you?"), default="in_app", validate_choice=False,
                                    choices=[("in_app", _l("In this app")), ("email", _l("By e-mail")),
                                             ("phone", _l("By phone"))])
    contact_phone = TelField(_l("Phone number (for contact by phone)"), validators=[Optional(), Length(max=30)],
                             render_kw={"autocomplete": "tel"})


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=1000)], render_kw={"rows": 2})


class RatingForm(FlaskForm):
    score = RadioField(_l("How helpful was the answer?"), validate_choice=False,
                       choices=[("5", _l("5 - very helpful")), ("4", "4"), ("3", "3"), ("2", "2"),
                                ("1", _l("1 - not helpful"))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=2000)], render_kw={"rows": 3})


class AssignForm(FlaskForm):
    user = SelectField(_l("Assign to"), validate_choice=False)


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validate_choice=False)


class TransferForm(FlaskForm):
    department = SelectField(_l("Transfer to department"), validate_choice=False)
    reason = TextAreaField(_l("Reason for the transfer (shown to the petitioner)"), render_kw={"rows": 3})


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note (never shown to the petitioner)"), render_kw={"rows": 3})


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Answer"), render_kw={"rows": 10})
    template_id = HiddenField()
    attachments = MultipleFileField(_l("Images (optional, up to 5)"),
                                    render_kw={"accept": "image/jpeg,image/png,image/webp", "multiple": True})


class TypeForm(FlaskForm):
    name_ko = StringField(_l("Name (Korean)"))
    name_en = StringField(_l("Name (English)"))
    department = SelectField(_l("Default department"), validate_choice=False)
    route_by_district = BooleanField(_l("Route to the district office when a district is given"))
    deadline_days = IntegerField(_l("Handling period"), validators=[Optional()])
    deadline_unit = SelectField(_l("Counted in"), default="days", validate_choice=False, choices=[
        ("days", _l("days (5 or less: working hours from receipt; 6 or more: working days)")),
        ("immediate", _l("immediately (3 working hours)")), ("weeks", _l("weeks")), ("months", _l("months")),
        ("years", _l("years"))])
    required_fields = SelectMultipleField(_l("Required fields"), validate_choice=False,
                                          choices=[("location", _l("District or location")),
                                                   ("point", _l("Location on the map")),
                                                   ("attachment", _l("Photo")),
                                                   ("contact_phone", _l("Phone number"))])
    answer_template = TextAreaField(_l("Answer template"), render_kw={"rows": 6})
    is_active = BooleanField(_l("Citizens can choose this type"))


class AnswerTemplateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    body = TextAreaField(_l("Answer text"), render_kw={"rows": 10})
