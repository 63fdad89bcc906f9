from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from academy.auth.services import MIN_PASSWORD_LENGTH
from academy.parameters import IntegerField, database_ids


class ActivationForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=256,
                message=_l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH),
            ),
        ],
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class InviteForm(FlaskForm):
    """Without an enrolment, everyone on the roster who has not activated yet is invited."""

    enrolment_id = HiddenField(validators=[Optional(), database_ids])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(_l("Enter your e-mail.")),
            Email(_l("Enter a valid e-mail.")),
            Length(max=254),
        ],
    )


class ChangePasswordForm(ActivationForm):
    """The current password, the new one twice and, for staff, a code from the app."""

    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=1024)],
    )
    code = StringField(
        _l("Code from your authenticator app"),
        filters=[lambda value: value.strip() if value else value],
        validators=[Optional(), Length(max=32)],
    )


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[lambda value: value.strip() if value else value],
        validators=[DataRequired(_l("Name the token.")), Length(max=100)],
    )
    days = IntegerField(
        _l("Valid for (days)"),
        default=90,
        validators=[
            InputRequired(_l("Enter a number of days.")),
            NumberRange(min=1, max=365, message=_l("A token lasts from 1 to 365 days.")),
        ],
    )
