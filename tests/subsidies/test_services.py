from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from academy.clock import seoul_today
from academy.models import (
    ClaimStatus,
    EnrolmentStatus,
    ExamResult,
    OutcomeCode,
    OutcomeRecord,
    PaymentMethod,
    SubsidyClaim,
)
from academy.subsidies import export, services
from academy.subsidies.eligibility import Reason
from tests import factories
from tests.conftest import count_rows
from tests.subsidies.conftest import receipt

APPLIED = date(2025, 6, 20)


def test_an_application_is_kept_with_its_receipt_campus_and_amount(app, db, world):
    trainee = world.trainee()
    attempt = world.attempt(trainee)
    with app.test_request_context():
        claim = services.apply(trainee, attempt, 50_000, receipt(), APPLIED)
    assert (claim.status, claim.campus_id, claim.amount_requested) == (
        ClaimStatus.SUBMITTED,
        world.campus.id,
        50_000,
    )
    assert claim.round_id is None and claim.receipt_name == "영수증.pdf"
    assert (Path(app.config["UPLOAD_FOLDER"]) / claim.receipt_path).exists()


def test_an_ineligible_application_keeps_nothing_and_says_why(app, db, world):
    trainee = world.trainee(born=date(1980, 1, 1))
    attempt = world.attempt(trainee)
    db.session.commit()
    with app.test_request_context(), pytest.raises(services.Ineligible) as refused:
        services.apply(trainee, attempt, 50_000, receipt(), APPLIED)
    assert refused.value.eligibility.reasons == {Reason.AGE}
    assert count_rows(SubsidyClaim) == 0


def test_employment_is_read_from_the_trainees_current_outcome(app, db, world):
    trainee = world.trainee()
    enrolment = trainee.enrolments[0]
    db.session.add(
        OutcomeRecord(
            enrolment=enrolment,
            version=1,
            code=OutcomeCode.E1,
            starts_on=date(2025, 6, 1),
            employer="테스트 회사",
        )
    )
    db.session.commit()
    assert services.employed_since(trainee.id, date(2025, 5, 31)) is None
    assert services.employed_since(trainee.id, APPLIED) == date(2025, 6, 1)
    db.session.add(OutcomeRecord(enrolment=enrolment, version=2, code=OutcomeCode.S1))
    db.session.commit()
    assert services.employed_since(trainee.id, APPLIED) is None  # the job ended: seeking again


def test_the_same_exam_cannot_be_claimed_twice(app, db, world):
    trainee = world.trainee()
    attempt = world.attempt(trainee)
    with app.test_request_context():
        services.apply(trainee, attempt, 50_000, receipt(), APPLIED)
        with pytest.raises(services.Ineligible) as refused:
            services.apply(trainee, attempt, 50_000, receipt(), APPLIED)
    assert Reason.CLAIMED in refused.value.eligibility.reasons
    assert count_rows(SubsidyClaim) == 1


def test_approval_records_the_payment_and_spends_the_budget(app, db, world):
    claim = world.claim(amount=80_000)
    db.session.commit()
    with app.test_request_context():
        approved = services.approve(claim.id, world.coordinator.id)
    db.session.refresh(world.programme)
    assert approved.status == ClaimStatus.APPROVED and approved.amount_approved == 80_000
    assert approved.paid_on == seoul_today() and approved.decided_by_id == world.coordinator.id
    assert approved.payment_method == PaymentMethod.LOCAL_GIFT_CERTIFICATE
    assert world.programme.spent == 80_000


def test_approval_pays_a_partial_amount_up_to_the_yearly_cap(app, db, world):
    trainee = world.trainee()
    first = world.claim(trainee, amount=150_000)
    second = world.claim(trainee, amount=100_000)
    db.session.commit()
    with app.test_request_context():
        services.approve(first.id, world.coordinator.id)
        assert services.review(second).payable == 50_000
        with pytest.raises(services.SubsidyError):
            services.approve(second.id, world.coordinator.id, amount=60_000)
        partial = services.approve(second.id, world.coordinator.id)
    assert partial.amount_approved == 50_000 and partial.amount_requested == 100_000
    db.session.refresh(world.programme)
    assert world.programme.spent == 200_000


def test_a_second_approval_of_the_same_claim_pays_nothing(app, db, world):
    claim = world.claim()
    db.session.commit()
    with app.test_request_context():
        services.approve(claim.id, world.coordinator.id)
        with pytest.raises(services.AlreadyDecided):
            services.approve(claim.id, world.coordinator.id)
        with pytest.raises(services.AlreadyDecided):
            services.reject(claim.id, world.coordinator.id, "중복")
    db.session.refresh(world.programme)
    assert world.programme.spent == 50_000


def test_an_approval_past_the_budget_is_refused_and_changes_nothing(app, db, world):
    world.programme.spent = 980_000
    claim = world.claim(amount=50_000)
    db.session.commit()
    with app.test_request_context(), pytest.raises(services.BudgetShort) as short:
        services.approve(claim.id, world.coordinator.id)
    assert short.value.remaining == 20_000
    db.session.refresh(world.programme)
    db.session.refresh(claim)
    assert world.programme.spent == 980_000 and claim.status == ClaimStatus.SUBMITTED
    with app.test_request_context():  # a smaller amount fits, spends the last won, closes early
        services.approve(claim.id, world.coordinator.id, amount=20_000)
    db.session.refresh(world.programme)
    assert world.programme.spent == world.programme.budget
    assert world.programme.closed_early_on == seoul_today()


def test_after_an_early_close_new_applications_are_refused(app, db, world):
    world.programme.closed_early_on = date(2025, 6, 1)
    trainee = world.trainee()
    attempt = world.attempt(trainee)
    db.session.commit()
    with app.test_request_context(), pytest.raises(services.Ineligible) as refused:
        services.apply(trainee, attempt, 50_000, receipt(), APPLIED)
    assert refused.value.eligibility.reasons == {Reason.CLOSED_EARLY}
    view = services.application_view(trainee, APPLIED)
    assert not view.can_apply and view.person[0].reason == Reason.CLOSED_EARLY


def test_claims_made_before_the_early_close_can_still_be_approved(app, db, world):
    claim = world.claim()
    world.programme.closed_early_on = date(2025, 6, 25)
    db.session.commit()
    with app.test_request_context():
        assert services.approve(claim.id, world.coordinator.id).status == ClaimStatus.APPROVED


def test_approval_rechecks_the_person_on_the_application_date(app, db, world):
    claim = world.claim()
    db.session.add(
        OutcomeRecord(
            enrolment=claim.trainee.enrolments[0],
            version=1,
            code=OutcomeCode.E1,
            starts_on=date(2025, 5, 1),
        )
    )
    db.session.commit()
    with app.test_request_context(), pytest.raises(services.Ineligible) as refused:
        services.approve(claim.id, world.coordinator.id)
    assert refused.value.eligibility.reasons == {Reason.EMPLOYED}
    db.session.refresh(world.programme)
    assert world.programme.spent == 0


def test_rejection_keeps_the_reason_and_spends_nothing(app, db, world):
    claim = world.claim()
    db.session.commit()
    with app.test_request_context():
        rejected = services.reject(claim.id, world.coordinator.id, "  영수증 금액이 다릅니다. ")
    assert rejected.status == ClaimStatus.REJECTED
    assert rejected.decision_reason == "영수증 금액이 다릅니다."
    db.session.refresh(world.programme)
    assert world.programme.spent == 0


def test_people_supported_in_2025_are_excluded_from_the_2026_rounds(app, db, world):
    trainee = world.trainee()
    world.claim(
        trainee, status=ClaimStatus.APPROVED, amount_approved=50_000, paid_on=date(2025, 6, 30)
    )
    programme_2026 = factories.SubsidyProgrammeFactory(
        year=2026, exclude_prior_year_recipients=True
    )
    factories.SubsidyRoundFactory(programme=programme_2026, half=1)
    factories.SubsidyRoundFactory(programme=programme_2026, half=2)
    attempt = world.attempt(trainee, sat_on=date(2026, 3, 2))
    other = world.trainee()
    other_attempt = world.attempt(other, sat_on=date(2026, 3, 2))
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(services.Ineligible) as refused:
            services.apply(trainee, attempt, 50_000, receipt(), date(2026, 3, 5))
        assert refused.value.eligibility.reasons == {Reason.PRIOR_YEAR}
        claim = services.apply(other, other_attempt, 50_000, receipt(), date(2026, 3, 5))
    assert claim.round.half == 1 and claim.programme_id == programme_2026.id


def test_save_programme_refuses_a_budget_below_what_is_approved(app, db, world):
    world.programme.spent = 300_000
    db.session.commit()
    data = dict(
        year=2025,
        name="2025",
        budget=200_000,
        per_person_cap=200_000,
        min_age=19,
        max_age=39,
        unemployed_only=True,
        exclude_prior_year_recipients=False,
        payment_method="local_gift_certificate",
    )
    with app.test_request_context(), pytest.raises(services.SubsidyError):
        services.save_programme(data, world.coordinator, world.programme)
    db.session.rollback()
    db.session.refresh(world.programme)
    assert world.programme.budget == 1_000_000


def test_ledger_counts_money_by_round_and_campus_and_people_once(app, db, world):
    today = seoul_today()
    trainee = world.trainee()
    world.claim(
        trainee,
        status=ClaimStatus.APPROVED,
        amount_approved=50_000,
        paid_on=today - timedelta(days=3),
    )
    world.claim(
        trainee,
        status=ClaimStatus.APPROVED,
        amount_approved=40_000,
        amount=40_000,
        paid_on=today + timedelta(days=7),
    )  # paid next week
    world.claim(amount=30_000)  # waiting
    world.claim(status=ClaimStatus.REJECTED, decision_reason="결시")
    other_campus = factories.CampusFactory()
    outsider = factories.EnrolmentFactory(cohort=factories.CohortFactory(campus=other_campus))
    world.claim(
        outsider.trainee,
        status=ClaimStatus.APPROVED,
        amount_approved=20_000,
        amount=20_000,
        paid_on=today,
        campus=other_campus,
    )
    world.programme.spent = 110_000
    db.session.commit()
    with app.test_request_context():
        city = services.ledger(world.programme)
        mine = services.ledger(world.programme, world.campus.id)
    assert (city.totals.approved, city.totals.paid, city.totals.people) == (110_000, 70_000, 2)
    assert (city.totals.claims_pending, city.totals.pending_amount) == (1, 30_000)
    assert city.totals.claims_rejected == 1 and city.remaining == 890_000
    by_campus = {line.key: line.totals for line in city.by_campus}
    assert by_campus[world.campus.id].people == 1 and by_campus[other_campus.id].approved == 20_000
    assert [line.key for line in mine.by_campus] == [world.campus.id]
    assert mine.totals.approved == 90_000 and mine.programme_totals.approved == 110_000


def test_the_excel_ledger_masks_names_and_never_runs_a_formula(app, db, world):
    trainee = world.trainee()
    trainee.user.name = "홍길동"
    world.claim(trainee, status=ClaimStatus.REJECTED, decision_reason='=HYPERLINK("x")')
    db.session.commit()
    with app.test_request_context():
        data = export.ledger_workbook(services.ledger(world.programme), None)
    book = load_workbook(data)
    assert book.sheetnames == ["요약", "반기별", "캠퍼스별", "신청 내역"]
    claims = book["신청 내역"]
    row = [cell.value for cell in claims[2]]
    assert "홍*동" in row and "홍길동" not in row
    reason = row[-1]
    assert reason.startswith("'=") and claims.cell(row=2, column=12).data_type == "s"
    summary = {r[0].value: r[1].value for r in book["요약"].iter_rows(min_row=2)}
    assert summary["예산(원)"] == 1_000_000 and summary["잔액(원)"] == 1_000_000


@pytest.mark.parametrize(
    ("name", "masked"), [("홍길동", "홍*동"), ("남궁민수", "남**수"), ("김철", "김*"), ("이", "이")]
)
def test_names_are_masked_keeping_the_first_and_last_letters(name, masked):
    assert export.mask_name(name) == masked


def test_the_application_view_lists_only_exams_still_claimable(app, db, world):
    trainee = world.trainee()
    claimed = world.claim(trainee).exam_attempt
    absent = world.attempt(trainee, result=ExamResult.ABSENT)
    open_one = world.attempt(trainee)
    later = world.attempt(trainee, sat_on=APPLIED + timedelta(days=1))
    trainee.enrolments[0].status = EnrolmentStatus.COMPLETED
    db.session.commit()
    view = services.application_view(trainee, APPLIED)
    ids = {a.id for a in view.attempts}
    assert open_one.id in ids and not ids & {claimed.id, absent.id, later.id}
    assert view.can_apply and view.room == 150_000
