import io
from datetime import date

import sqlalchemy as sa

from academy.clock import seoul_today
from academy.models import Certification, ExamAttempt, ExamResult, MockExam, Role
from tests import factories
from tests.conftest import count_rows
from tests.factories import EVIDENCE_PDF
from tests.test_query_counts import queries_for

PDF = EVIDENCE_PDF


def test_trainee_records_an_exam_and_updates_its_result(client, login_as, db):
    user = login_as(Role.TRAINEE)
    factories.EnrolmentFactory(trainee=user.trainee)
    certification = factories.CertificationFactory(name="ADsP", exam_fee=50_000)
    db.session.commit()
    page = client.get("/certifications/mine").get_data(as_text=True)
    assert "시험 기록" in page and "ADsP" in page
    response = client.post(
        "/certifications/mine",
        data={
            "certification_id": certification.id,
            "sat_on": "2025-05-17",
            "fee_paid": "",
            "result": "pending",
        },
    )
    assert response.status_code == 303
    # The confirmation at the top shows: the form's own #record-attempt is not carried over.
    assert response.headers["Location"] == "/certifications/mine#main"
    attempt = db.session.scalar(sa.select(ExamAttempt))
    assert (attempt.fee_paid, attempt.result) == (50_000, ExamResult.PENDING)
    assert attempt.cohort_id == user.trainee.enrolments[0].cohort_id

    response = client.post(
        f"/certifications/attempts/{attempt.id}/result",
        data={"result": "passed", "evidence": (io.BytesIO(PDF), "합격증.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.refresh(attempt)
    assert attempt.result == ExamResult.PASSED and attempt.evidence_name == "합격증.pdf"
    download = client.get(f"/certifications/attempts/{attempt.id}/evidence")
    assert download.status_code == 200 and download.data == PDF
    html = client.get("/certifications/mine").get_data(as_text=True)
    assert "합격" in html and "응시료 지원 신청" in html


def test_a_future_exam_cannot_have_a_result_yet(client, login_as, db):
    login_as(Role.TRAINEE)
    certification = factories.CertificationFactory()
    db.session.commit()
    future = date(seoul_today().year + 1, 1, 1).isoformat()
    response = client.post(
        "/certifications/mine",
        data={
            "certification_id": certification.id,
            "sat_on": future,
            "fee_paid": "1000",
            "result": "passed",
        },
    )
    assert response.status_code == 422 and count_rows(ExamAttempt) == 0
    # The refusal comes back to the form, below the attempts on a phone, with its error: a
    # reload at the top showed none of it.
    page = response.get_data(as_text=True)
    assert 'action="/certifications/mine#record-attempt"' in page
    assert 'id="record-attempt"' in page


def test_another_trainee_cannot_reach_an_attempt(client, login_as, db):
    attempt = factories.ExamAttemptFactory(evidence_path="x.pdf", evidence_name="x.pdf")
    db.session.commit()
    login_as(Role.TRAINEE)
    assert client.get(f"/certifications/attempts/{attempt.id}/evidence").status_code == 404
    assert (
        client.post(
            f"/certifications/attempts/{attempt.id}/result", data={"result": "failed"}
        ).status_code
        == 404
    )


def test_official_adds_a_certification_and_a_duplicate_is_refused(client, login_as, db):
    login_as(Role.OFFICIAL)
    data = {
        "name": "NVIDIA-Certified Associate",
        "issuer": "NVIDIA",
        "kind": "ai_company",
        "exam_fee": "190000",
    }
    assert client.post("/certifications/", data=data).status_code == 303
    again = client.post("/certifications/", data=data)
    assert again.status_code == 422 and "이미 자격증 목록에 있습니다" in again.get_data(
        as_text=True
    )
    assert count_rows(Certification) == 1


def test_pass_rates_by_cohort_are_a_full_page_and_a_fragment(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus, code="JONGNO-2025-01")
    for result in (ExamResult.PASSED, ExamResult.FAILED, ExamResult.PASSED, ExamResult.PASSED):
        enrolment = factories.EnrolmentFactory(cohort=cohort)
        factories.ExamAttemptFactory(
            trainee=enrolment.trainee, cohort=cohort, result=result, sat_on=date(2025, 6, 1)
        )
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    html = client.get("/certifications/?by=cohort&year=2025").get_data(as_text=True)
    assert "<html" in html and "JONGNO-2025-01" in html and "75.0%" in html and "소수 인원" in html
    fragment = client.get("/certifications/?by=cohort&year=2025", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_trainees_see_the_catalogue_with_fees_but_no_rates(client, login_as, db):
    factories.CertificationFactory(name="정보처리기사", exam_fee=19_400)
    db.session.commit()
    login_as(Role.TRAINEE)
    html = client.get("/certifications/").get_data(as_text=True)
    assert "정보처리기사" in html and "19,400원" in html and "합격률" not in html


def test_coordinator_records_a_mock_exam_for_their_cohort_only(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    certification = factories.CertificationFactory()
    elsewhere = factories.CohortFactory()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)
    data = {
        "trainee_id": enrolment.trainee_id,
        "certification_id": certification.id,
        "taken_on": "2025-05-02",
        "score": "77",
    }
    assert (
        client.post(f"/certifications/cohorts/{cohort.id}/mock-exams", data=data).status_code == 303
    )
    assert (
        client.post(
            f"/certifications/cohorts/{cohort.id}/mock-exams", data={**data, "score": "101"}
        ).status_code
        == 422
    )
    assert client.get(f"/certifications/cohorts/{elsewhere.id}").status_code == 404
    assert db.session.scalar(sa.select(MockExam.score)) == 77
    assert ">77<" in client.get(f"/certifications/cohorts/{cohort.id}").get_data(as_text=True)


def test_certification_pages_do_not_grow_with_the_attempts(client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)

    def more():
        enrolment = factories.EnrolmentFactory(cohort=cohort)
        factories.ExamAttemptFactory(trainee=enrolment.trainee, cohort=cohort)
        db.session.add(
            MockExam(
                trainee=enrolment.trainee,
                taken_on=date(2025, 5, 1),
                score=70,
                certification=factories.CertificationFactory(),
            )
        )
        db.session.commit()

    more()
    login_as(Role.COORDINATOR, campus=campus)
    urls = [
        "/certifications/?by=cohort&year=2025",
        "/certifications/?year=2025",
        f"/certifications/cohorts/{cohort.id}",
    ]
    small = [queries_for(client, url) for url in urls]
    for _ in range(6):
        more()
    assert [queries_for(client, url) for url in urls] == small
