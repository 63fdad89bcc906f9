from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from academy.auth.services import MIN_PASSWORD_LENGTH
from academy.parameters import database_ids


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
