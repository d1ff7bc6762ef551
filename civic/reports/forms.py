from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, FileField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from civic.forms import client_token_field
from civic.reports.models import CLOSE_REASONS, STATUSES


class ReportDetailsForm(FlaskForm):
    """Step 3 of the report flow; location and service ride along as hidden fields."""

    lat = HiddenField()
    lon = HiddenField()
    address = HiddenField()
    district_code = HiddenField()
    service_code = HiddenField()
    client_token = HiddenField()  # idempotency key set by drafts.js: a resend returns the same report
    description = TextAreaField(_l("Describe the problem"), validators=[Length(max=4000)])
    photos = MultipleFileField(_l("Photos (up to 3: JPEG, PNG or WebP, 8 MB each)"),
                               render_kw={"accept": "image/jpeg,image/png,image/webp"})
    show_name = BooleanField(_l("Show my name publicly with this report"))
    public_name = StringField(_l("Name to show"), validators=[Optional(), Length(max=100)])


class UpdateForm(FlaskForm):
    text = TextAreaField(_l("Public update"), validators=[Length(max=4000)])
    status = SelectField(_l("Status"), choices=[("", _l("Keep the status"))] + [(s, s) for s in STATUSES])
    close_reason = SelectField(_l("Close reason"), choices=[("", "—")] + [(r, r) for r in CLOSE_REASONS])


class TransferForm(FlaskForm):
    department_code = SelectField(_l("Department"), choices=[])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)])


class RoutingForm(FlaskForm):
    service_code = SelectField(_l("Service"), choices=[])
    district_code = SelectField(_l("District"), choices=[])
    department_code = SelectField(_l("Department"), choices=[])


class MapForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    slug = StringField(_l("Web address (optional)"), validators=[Optional(), Length(max=60)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    categories = TextAreaField(_l("Categories of points (one per line)"), validators=[InputRequired()])
    contribution = RadioField(_l("Who may add points"), default="open",
                              choices=[("open", _l("Anyone signed in (new contributors are moderated)")),
                                       ("invite", _l("Only people I invite"))])


class PointForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    lat = StringField(_l("Latitude"), validators=[InputRequired()], render_kw={"inputmode": "decimal"})
    lon = StringField(_l("Longitude"), validators=[InputRequired()], render_kw={"inputmode": "decimal"})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    client_token = client_token_field()


class InviteForm(FlaskForm):
    email = StringField(_l("E-mail of the person to invite"), validators=[InputRequired()])
