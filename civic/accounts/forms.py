from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class RegisterForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    display_name = StringField(_l("Name (optional)"), validators=[Length(max=100)])
    # The service refuses a sign-up without it (one rule, for the form and the API alike); the
    # hidden version is the one of the notice this page showed.
    privacy_consent = BooleanField(_l("I agree to the collection and use of my personal data (required)"))
    consent_version = HiddenField()


class OidcConsentForm(FlaskForm):
    """The consent step of a sign-up through a provider: the account is made only on accept."""
    privacy_consent = BooleanField(_l("I agree to the collection and use of my personal data (required)"))
    consent_version = HiddenField()


class DeleteAccountForm(FlaskForm):
    confirm = BooleanField(_l("I understand that my account and personal data are deleted for good"),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])



class PasswordResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class PasswordResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("New e-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Current password"), validators=[Length(max=1024)])
