"""The subsidy's rules as pure functions: ages, work, the yearly cap, last year, rounds, early
close."""

from datetime import date

import pytest

from academy.models import ExamResult
from academy.subsidies.eligibility import (
    Applicant,
    Attempt,
    ProgrammeRules,
    Reason,
    Round,
    check_application,
    decision_refusals,
    is_closed,
    open_round,
)

RULES_2025 = ProgrammeRules(
    year=2025,
    per_person_cap=200_000,
    min_age=19,
    max_age=39,
    unemployed_only=True,
    exclude_prior_year_recipients=False,
    remaining=50_000_000,
)
RULES_2026 = ProgrammeRules(
    year=2026,
    per_person_cap=200_000,
    min_age=19,
    max_age=39,
    unemployed_only=True,
    exclude_prior_year_recipients=True,
    remaining=50_000_000,
    rounds=(
        Round(1, date(2026, 2, 2), date(2026, 6, 30)),
        Round(2, date(2026, 7, 1), date(2026, 11, 30)),
    ),
)
ON = date(2025, 6, 20)


def applicant(**fields) -> Applicant:
    values = dict(birth_date=date(2000, 5, 17), enrolled=True, employed_since=None)
    values.update(fields)
    return Applicant(**values)


def attempt(**fields) -> Attempt:
    values = dict(sat_on=date(2025, 6, 14), result=ExamResult.PASSED, fee_paid=50_000)
    values.update(fields)
    return Attempt(**values)


def check(rules=RULES_2025, person=None, exam=None, requested=50_000, on=ON):
    return check_application(rules, person or applicant(), exam or attempt(), requested, on)


def test_an_unemployed_young_trainee_is_eligible_for_the_whole_fee():
    result = check()
    assert result.eligible and result.payable == 50_000 and result.round_half is None


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        (date(2006, 6, 20), True),  # 19th birthday on the application date: 19, in
        (date(2006, 6, 21), False),  # 19 tomorrow: the day before the birthday, still 18
        (date(1985, 6, 21), True),  # 40 tomorrow: still 39 today, in
        (date(1985, 6, 20), False),  # 40th birthday today: out
    ],
    ids=["turns-19-today", "day-before-19", "day-before-40", "turns-40-today"],
)
def test_ages_19_to_39_inclusive_by_international_age_on_the_application_date(born, eligible):
    result = check(person=applicant(birth_date=born))
    assert result.eligible is eligible
    assert (Reason.AGE in result.reasons) is not eligible


def test_age_is_taken_on_the_application_date_not_the_exam_date():
    born = date(1985, 6, 15)  # 39 when sitting on 14 June, 40 on the 20 June application
    assert Reason.AGE in check(person=applicant(birth_date=born)).reasons


def test_a_leap_day_birthday_counts_from_1_march_in_other_years():
    born = date(2004, 2, 29)
    assert Reason.AGE not in check(person=applicant(birth_date=born), on=date(2023, 3, 1)).reasons
    assert Reason.AGE in check(person=applicant(birth_date=born), on=date(2023, 2, 28)).reasons


def test_only_people_without_a_job_on_the_application_date():
    employed = applicant(employed_since=date(2025, 3, 1))
    assert check(person=employed).reasons == {Reason.EMPLOYED}
    open_to_all = ProgrammeRules(**{**RULES_2025.__dict__, "unemployed_only": False})
    assert check(rules=open_to_all, person=employed).eligible


def test_the_yearly_cap_pays_a_partial_amount_up_to_what_is_left():
    person = applicant(approved_this_year=150_000)
    result = check(person=person, requested=100_000)
    assert result.eligible and result.payable == 50_000


def test_claims_awaiting_a_decision_count_against_the_cap():
    person = applicant(approved_this_year=100_000, pending_this_year=70_000)
    assert check(person=person, requested=50_000).payable == 30_000


def test_a_used_cap_refuses_the_claim_with_the_figures():
    person = applicant(approved_this_year=150_000, pending_this_year=50_000)
    result = check(person=person)
    assert result.reasons == {Reason.CAP_USED} and result.payable == 0
    (refusal,) = result.refusals
    assert refusal.params == {"cap": 200_000, "approved": 150_000, "pending": 50_000}


def test_at_the_decision_only_approved_claims_use_the_cap():
    person = applicant(approved_this_year=150_000, pending_this_year=50_000)
    refusals, room = decision_refusals(RULES_2025, person, ON)
    assert refusals == [] and room == 50_000


def test_a_cap_used_by_approved_claims_refuses_the_decision_with_the_figures():
    person = applicant(approved_this_year=200_000, pending_this_year=30_000, enrolled=False)
    refusals, room = decision_refusals(RULES_2025, person, ON)
    assert room == 0
    assert [r.reason for r in refusals] == [Reason.NOT_ENROLLED, Reason.CAP_USED]
    assert refusals[-1].params == {"cap": 200_000, "approved": 200_000, "pending": 0}


def test_people_supported_last_year_are_excluded_when_the_programme_says_so():
    supported = applicant(supported_prior_year=True)
    on = date(2026, 3, 10)
    exam = attempt(sat_on=date(2026, 3, 1))
    assert check(RULES_2026, supported, exam, on=on).reasons == {Reason.PRIOR_YEAR}
    assert check(RULES_2026, applicant(), exam, on=on).eligible
    assert check(RULES_2025, supported).eligible  # 2025 did not exclude anyone


@pytest.mark.parametrize(
    ("on", "half"),
    [
        (date(2026, 2, 2), 1),  # the first day of the first half
        (date(2026, 6, 30), 1),  # its last day
        (date(2026, 7, 1), 2),
        (date(2026, 11, 30), 2),
        (date(2026, 2, 1), None),  # before the first round opens
        (date(2026, 12, 1), None),  # after the second closes
    ],
)
def test_from_2026_applications_fall_in_the_first_or_second_half_round(on, half):
    result = check(RULES_2026, exam=attempt(sat_on=date(2026, 1, 20)), on=on)
    if half is None:
        assert result.reasons == {Reason.OUTSIDE_ROUND}
    else:
        assert result.eligible and result.round_half == half


def test_before_2026_the_whole_year_takes_applications():
    assert open_round(RULES_2025, date(2025, 1, 1)) is not None
    assert open_round(RULES_2025, date(2025, 12, 31)) is not None


def test_a_spent_budget_closes_applications_early():
    spent = ProgrammeRules(**{**RULES_2025.__dict__, "remaining": 0})
    assert is_closed(spent, ON)
    assert check(rules=spent).reasons == {Reason.CLOSED_EARLY}


def test_an_early_close_date_refuses_applications_from_that_day():
    closed = ProgrammeRules(**{**RULES_2025.__dict__, "closed_early_on": date(2025, 6, 20)})
    assert check(rules=closed, on=date(2025, 6, 19)).eligible
    assert check(rules=closed, on=date(2025, 6, 20)).reasons == {Reason.CLOSED_EARLY}


def test_an_exam_not_sat_or_sat_another_year_or_claimed_is_refused():
    assert check(exam=attempt(result=ExamResult.ABSENT)).reasons == {Reason.NOT_SAT}
    assert check(exam=attempt(sat_on=date(2024, 12, 20))).reasons == {Reason.EXAM_DATE}
    assert check(exam=attempt(sat_on=date(2025, 6, 21))).reasons == {Reason.EXAM_DATE}
    assert check(exam=attempt(claimed=True)).reasons == {Reason.CLAIMED}
    assert check(exam=attempt(result=ExamResult.PENDING)).eligible  # fees are paid before results


def test_every_reason_is_given_at_once():
    person = applicant(birth_date=date(1980, 1, 1), employed_since=date(2024, 1, 1), enrolled=False)
    result = check(person=person, exam=attempt(result=ExamResult.ABSENT))
    assert result.reasons == {Reason.AGE, Reason.EMPLOYED, Reason.NOT_ENROLLED, Reason.NOT_SAT}


def test_reasons_read_in_korean_with_their_figures(app):
    person = applicant(approved_this_year=200_000, birth_date=date(1980, 1, 1))
    with app.test_request_context():
        messages = [r.message for r in check(person=person).refusals]
    assert "신청일 기준 만 19~39세만 신청할 수 있습니다. 신청자는 만 45세입니다." in messages
    assert any("200,000원" in m and "한도" in m for m in messages)
