from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[lambda value: value.strip() if value else value],
        validators=[DataRequired(_l("Enter your e-mail.")), Email(_l("Enter a valid e-mail."))],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=256)]
    )
    next = HiddenField()


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[Choice("ko", "한국어"), Choice("en", "English")])
    next = HiddenField()


class CodeForm(FlaskForm):
    """Six digits from the authenticator app, or (at sign-in) a recovery code."""

    code = StringField(
        _l("Code"),
        filters=[lambda value: value.strip() if value else value],
        validators=[DataRequired(_l("Enter the code.")), Length(max=32)],
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
