from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import Optional

from civic.alerts.labels import level_choices, type_choices


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AlertForm(FlaskForm):
    type = SelectField(_l("Type"), choices=type_choices)
    level = SelectField(_l("Level"), choices=level_choices)
    headline_ko = StringField(_l("Headline (Korean)"))
    body_ko = TextAreaField(_l("Message (Korean)"))
    instruction_ko = TextAreaField(_l("What to do (Korean)"))
    headline_en = StringField(_l("Headline (English; required for urgent and emergency alerts)"))
    body_en = TextAreaField(_l("Message (English; required for urgent and emergency alerts)"))
    instruction_en = TextAreaField(_l("What to do (English, optional)"))
    districts = CheckboxListField(_l("Districts"), choices=[], validate_choice=False)
    polygon = TextAreaField(_l("Polygon (GeoJSON, optional)"), validators=[Optional()])
    circle_lat = FloatField(_l("Circle centre latitude"), validators=[Optional()])
    circle_lon = FloatField(_l("Circle centre longitude"), validators=[Optional()])
    circle_radius_m = FloatField(_l("Circle radius (m)"), validators=[Optional()])
    expires_in_min = IntegerField(_l("Expires in (minutes)"), default=360, validators=[Optional()])

    def to_data(self) -> dict:
        data = {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
        return data
