import io
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage

from academy.certifications import services
from academy.certifications.services import GroupBy
from academy.kpi.certifications import AttemptCounts, pass_rate
from academy.models import EnrolmentStatus, ExamResult
from academy.uploads import UploadRejected
from tests import factories


def test_pass_rate_is_passed_over_sat_leaving_out_absent_and_pending():
    counts = AttemptCounts(passed=6, failed=2, absent=1, pending=3)
    rate = pass_rate(counts)
    assert (rate.numerator, rate.denominator, rate.value) == (6, 8, 0.75)
    assert rate.small and counts.attempts == 12
    assert pass_rate(AttemptCounts(pending=2)).value is None


def sat(certification, cohort, result, sat_on=date(2025, 6, 1)):
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    return factories.ExamAttemptFactory(
        certification=certification,
        trainee=enrolment.trainee,
        cohort=cohort,
        result=result,
        sat_on=sat_on,
    )


@pytest.fixture
def attempts(db):
    sqld = factories.CertificationFactory(name="SQLD")
    azure = factories.CertificationFactory(name="Azure AI Engineer")
    north, south = (
        factories.CampusFactory(name="북캠퍼스"),
        factories.CampusFactory(name="남캠퍼스"),
    )
    n1 = factories.CohortFactory(campus=north, code="N-1")
    n2 = factories.CohortFactory(campus=north, code="N-2")
    s1 = factories.CohortFactory(campus=south, code="S-1")
    for result in (ExamResult.PASSED, ExamResult.PASSED, ExamResult.FAILED):
        sat(sqld, n1, result)
    sat(sqld, n2, ExamResult.ABSENT)
    sat(azure, n2, ExamResult.PASSED)
    sat(azure, s1, ExamResult.FAILED)
    sat(azure, s1, ExamResult.PENDING)
    sat(azure, s1, ExamResult.PASSED, sat_on=date(2024, 11, 1))  # another year
    db.session.commit()
    return {"sqld": sqld, "azure": azure, "north": north, "south": south, "n1": n1, "s1": s1}


def test_pass_rates_per_certification(attempts):
    rows = {r.name: r.counts for r in services.pass_rate_rows(GroupBy.CERTIFICATION, 2025)}
    assert rows["SQLD"] == AttemptCounts(passed=2, failed=1, absent=1, pending=0)
    assert rows["Azure AI Engineer"] == AttemptCounts(passed=1, failed=1, absent=0, pending=1)


def test_pass_rates_per_campus_and_per_cohort(attempts):
    campuses = {r.name: r.counts for r in services.pass_rate_rows(GroupBy.CAMPUS, 2025)}
    assert (campuses["북캠퍼스"].passed, campuses["북캠퍼스"].sat) == (3, 4)
    assert (campuses["남캠퍼스"].passed, campuses["남캠퍼스"].sat) == (0, 1)
    cohorts = {r.name: r.counts for r in services.pass_rate_rows(GroupBy.COHORT, 2025)}
    assert pass_rate(cohorts["N-1"]).value == pytest.approx(2 / 3)
    assert cohorts["N-2"] == AttemptCounts(passed=1, failed=0, absent=1, pending=0)


def test_a_coordinator_counts_only_their_campus(attempts):
    rows = services.pass_rate_rows(GroupBy.CERTIFICATION, 2025, attempts["south"].id)
    assert {r.name: r.counts.sat for r in rows} == {"Azure AI Engineer": 1}


def test_an_attempt_belongs_to_the_cohort_the_trainee_was_in_on_the_exam_day(app, db):
    trainee = factories.TraineeFactory()
    first = factories.EnrolmentFactory(
        trainee=trainee,
        status=EnrolmentStatus.COMPLETED,
        cohort=factories.CohortFactory(starts_on=date(2024, 9, 2)),
    )
    second = factories.EnrolmentFactory(
        trainee=trainee, cohort=factories.CohortFactory(starts_on=date(2025, 3, 3))
    )
    certification = factories.CertificationFactory(exam_fee=19_400)
    db.session.commit()
    data = dict(
        certification_id=certification.id, sat_on=date(2025, 1, 10), fee_paid=None, result="passed"
    )
    with app.test_request_context():
        early = services.record_attempt(trainee, data, None)
        late = services.record_attempt(trainee, {**data, "sat_on": date(2025, 5, 2)}, None)
    assert early.cohort_id == first.cohort_id and late.cohort_id == second.cohort_id
    assert early.fee_paid == 19_400  # the catalogue's fee when none is typed


def test_evidence_must_be_a_document_or_a_photo(app, db):
    trainee = factories.TraineeFactory()
    certification = factories.CertificationFactory()
    db.session.commit()
    fake = FileStorage(stream=io.BytesIO(b"MZ\x90\x00 not a pdf"), filename="result.pdf")
    data = dict(
        certification_id=certification.id, sat_on=date(2025, 1, 10), fee_paid=1000, result="passed"
    )
    with app.test_request_context(), pytest.raises(UploadRejected):
        services.record_attempt(trainee, data, fake)


def test_a_cohort_sheet_shows_each_trainees_best_mock_score(app, db):
    cohort = factories.CohortFactory()
    certification = factories.CertificationFactory()
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    factories.EnrolmentFactory(cohort=cohort)
    db.session.commit()
    services.record_mock_exam(enrolment.trainee_id, certification.id, date(2025, 5, 1), 64)
    services.record_mock_exam(enrolment.trainee_id, certification.id, date(2025, 5, 20), 81)
    lines = {line.trainee.id: line for line in services.cohort_sheet(cohort)}
    assert lines[enrolment.trainee_id].best_mock == 81
    assert len(lines) == 2
