"""A job's weekly hours, contract months and monthly pay take the same ranges everywhere: the
trainee's form, the coordinator's import and the database's own CHECK. A job of no hours is no
job; a week has 168 hours."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from academy.models import CONTRACT_MONTHS, MONTHLY_PAY, WEEKLY_HOURS, OutcomeRecord
from academy.outcomes.forms import OutcomeForm
from academy.outcomes.importing import plan_import
from tests import factories
from tests.outcomes.test_importing import row, trainee_at, xlsx

# (field, limits, a value just outside below, just outside above)
FIELDS = [
    ("weekly_hours", WEEKLY_HOURS, 0, 169),
    ("contract_months", CONTRACT_MONTHS, 0, 121),
    ("monthly_pay", MONTHLY_PAY, -1, 100_000_001),
]
ROW_ARGUMENTS = {"weekly_hours": "hours", "contract_months": "months", "monthly_pay": "pay"}
COLUMNS = {
    "weekly_hours": "주당근로시간",
    "contract_months": "계약기간(개월)",
    "monthly_pay": "월기본급",
}


def test_no_job_is_zero_hours_a_week_and_no_week_longer_than_168():
    assert (WEEKLY_HOURS.low, WEEKLY_HOURS.high) == (1, 168)


def form_accepts(app, name: str, value: int) -> bool:
    with app.test_request_context():
        form = OutcomeForm(formdata=MultiDict({name: str(value)}), meta={"csrf": False})
        return form[name].validate(form)


@pytest.mark.parametrize(("name", "limits", "below", "above"), FIELDS)
def test_the_form_takes_the_limits_and_nothing_beyond(app, name, limits, below, above):
    assert form_accepts(app, name, limits.low) and form_accepts(app, name, limits.high)
    assert not form_accepts(app, name, below) and not form_accepts(app, name, above)


def import_problems(name: str, value: int) -> set[str]:
    """The columns with a problem when a fixed-term job's row carries `value` in `name`."""
    figures = {"hours": 40, "months": 12, "pay": 2_800_000}
    figures[{"weekly_hours": "hours", "contract_months": "months", "monthly_pay": "pay"}[name]] = (
        value
    )
    line = row("kim@example.com", "E2", "2025-09-01", "한빛소프트", "Y", in_field="Y", **figures)
    return {p.column for p in plan_import(xlsx([line]), None).problems}


@pytest.mark.parametrize(("name", "limits", "below", "above"), FIELDS)
def test_the_importer_takes_the_limits_and_nothing_beyond(app, db, name, limits, below, above):
    trainee_at(factories.CampusFactory(), "kim@example.com")
    db.session.commit()
    column = COLUMNS[name]
    with app.test_request_context(), force_locale("en"):
        assert column not in import_problems(name, limits.low)
        assert column not in import_problems(name, limits.high)
        assert column in import_problems(name, below)
        assert column in import_problems(name, above)


@pytest.mark.parametrize(("name", "limits", "below", "above"), FIELDS)
def test_the_database_refuses_what_the_form_refuses(db, name, limits, below, above):
    record = factories.OutcomeRecordFactory(code="E2", contract_months=12)
    db.session.commit()
    for fine in (limits.low, limits.high):
        db.session.execute(
            sa.update(OutcomeRecord).where(OutcomeRecord.id == record.id).values({name: fine})
        )
        db.session.commit()
    for wrong in (below, above):
        with pytest.raises(IntegrityError):
            db.session.execute(
                sa.update(OutcomeRecord).where(OutcomeRecord.id == record.id).values({name: wrong})
            )
            db.session.flush()
        db.session.rollback()
