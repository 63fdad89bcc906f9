from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice as Choice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from academy.kpi.targets import TARGET_YEARS
from academy.labels import label_for
from academy.models import CampusKind, TargetMetric, Tier
from academy.parameters import MAX_YEAR, MIN_YEAR, DateField, IntegerField
from academy.progress_reports.scope import not_after_today


class DashboardFilterForm(FlaskForm):
    """Filters read from the query string, so a filtered dashboard is a shareable URL."""

    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(MIN_YEAR, MAX_YEAR)])
    tier = SelectField(_l("Size tier"), validators=[Optional()])
    kind = SelectField(_l("Campus kind"), validators=[Optional()])
    campus = SelectField(_l("Campus"), validators=[Optional()])
    as_of = DateField(_l("Figures as of"), validators=[Optional(), not_after_today])

    def __init__(self, *args, campuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tier.choices = [Choice("", _l("All tiers"))] + [
            Choice(t.value, label_for(t)) for t in Tier
        ]
        self.kind.choices = [Choice("", _l("All kinds"))] + [
            Choice(k.value, label_for(k)) for k in CampusKind
        ]
        self.campus.choices = [Choice("", _l("All campuses"))] + [
            Choice(str(c.id), c.name) for c in campuses
        ]


class CampusDashboardForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(MIN_YEAR, MAX_YEAR)])
    as_of = DateField(_l("Figures as of"), validators=[Optional(), not_after_today])


class PlannerForm(FlaskForm):
    """The what-if planner reads the query string too: a plan is a link one can share."""

    class Meta:
        csrf = False

    add_large = IntegerField(
        _l("New large campuses"), default=0, validators=[Optional(), NumberRange(0, 50)]
    )
    add_medium = IntegerField(
        _l("New medium campuses"), default=0, validators=[Optional(), NumberRange(0, 50)]
    )
    add_small = IntegerField(
        _l("New small campuses"), default=0, validators=[Optional(), NumberRange(0, 100)]
    )
    add_bigtech = IntegerField(
        _l("New global big-tech campuses"), default=0, validators=[Optional(), NumberRange(0, 50)]
    )
    add_hub = IntegerField(
        _l("New industry hub campuses"), default=0, validators=[Optional(), NumberRange(0, 50)]
    )
    opens_in = SelectField(_l("New campuses open in"), validators=[Optional()])
    cohorts_per_classroom = DecimalField(
        _l("Cohorts per classroom a year"),
        places=1,
        validators=[Optional(), NumberRange(0.1, 6)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.opens_in.choices = [Choice(str(y), str(y)) for y in TARGET_YEARS[1:]]


class TargetForm(FlaskForm):
    year = SelectField(_l("Year"), validators=[DataRequired()])
    metric = SelectField(_l("Target"), validators=[DataRequired()])
    value = IntegerField(_l("Value"), validators=[InputRequired(), NumberRange(0, 1_000_000)])
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [Choice(str(y), str(y)) for y in TARGET_YEARS]
        self.metric.choices = [Choice(m.value, label_for(m)) for m in TargetMetric]


class QualityRuleForm(FlaskForm):
    year = SelectField(_l("Year the job started"), validators=[DataRequired()])
    monthly_pay_floor = IntegerField(
        _l("Monthly pay floor (won)"), validators=[InputRequired(), NumberRange(0, 100_000_000)]
    )
    min_weekly_hours = IntegerField(
        _l("Minimum weekly hours"), validators=[InputRequired(), NumberRange(1, 168)]
    )
    min_contract_months = IntegerField(
        _l("Minimum fixed-term contract (months)"),
        validators=[InputRequired(), NumberRange(1, 120)],
    )
    reason = StringField(_l("Reason for the change"), validators=[Optional(), Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [Choice(str(y), str(y)) for y in TARGET_YEARS]
