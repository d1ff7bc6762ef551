"""Flask-WTF forms for the participation pages (CSRF-protected; the service does the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from civic.forms import client_token_field
from civic.participation.labels import OUTCOME_LABELS


class VoteForm(FlaskForm):
    option_id = RadioField(_l("Your choice"), coerce=int, validators=[InputRequired(_l("Choose an option."))])


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Your proposal"), validators=[DataRequired(), Length(max=10_000)],
                         render_kw={"rows": 8})
    category = SelectField(_l("Category"), validators=[DataRequired()])
    district_code = SelectField(_l("District (optional)"), validators=[Optional()])
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    client_token = client_token_field()   # new proposals only (the edit page ignores it)


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 3})
    client_token = client_token_field()


class HideForm(FlaskForm):
    reason = TextAreaField(_l("Reason shown to the author"), validators=[DataRequired(), Length(max=2000)],
                           render_kw={"rows": 3})


class RespondForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=list(OUTCOME_LABELS.items()), validators=[InputRequired()])
    body = TextAreaField(_l("Official response"), validators=[DataRequired(), Length(max=20_000)],
                         render_kw={"rows": 8})


class PollForm(FlaskForm):
    question_ko = StringField(_l("Question (Korean)"), validators=[DataRequired(), Length(max=300)])
    question_en = StringField(_l("Question (English, optional)"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 4})
    options = TextAreaField(_l("Options, one per line (2 to 10)"), validators=[DataRequired()],
                            render_kw={"rows": 5})
    opens_at = DateTimeLocalField(_l("Opens at (Seoul time)"), format="%Y-%m-%dT%H:%M",
                                  validators=[InputRequired()])
    closes_at = DateTimeLocalField(_l("Closes at (Seoul time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired()])
    district_code = SelectField(_l("District scope (optional)"), validators=[Optional()])
    results_visibility = SelectField(_l("Show results"), choices=[
        ("after_vote", _l("After voting")), ("after_close", _l("Only after the poll closes"))])
    allow_vote_change = BooleanField(_l("Voters may change their vote until the poll closes"))
