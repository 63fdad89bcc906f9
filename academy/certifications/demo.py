"""The demo's certification exams (academy.seeding): a catalogue close to the published 2025
prices, and exams sat by about 40% of trainees (15% of them two) from their seventh week on,
each with one or two mock exams before it. The demo trainee, in the dated demo, sat an exam
before their cohort ended and one days ago."""

from datetime import date, timedelta

from academy.models import (
    Certification,
    CertificationKind,
    ExamAttempt,
    ExamResult,
    Level,
    MockExam,
)
from academy.seeding import WorldBuilder

# Illustrative catalogue; fees are close to the published 2025 prices, in whole won.
CERTIFICATIONS = (
    (
        "Google Cloud Professional Machine Learning Engineer",
        "Google",
        CertificationKind.AI_COMPANY,
        280_000,
    ),
    (
        "Microsoft Certified: Azure AI Engineer Associate",
        "Microsoft",
        CertificationKind.AI_COMPANY,
        231_000,
    ),
    (
        "AWS Certified Machine Learning Engineer – Associate",
        "Amazon Web Services",
        CertificationKind.AI_COMPANY,
        210_000,
    ),
    (
        "NVIDIA-Certified Associate: Generative AI LLMs",
        "NVIDIA",
        CertificationKind.AI_COMPANY,
        190_000,
    ),
    ("정보처리기사", "한국산업인력공단", CertificationKind.NATIONAL, 19_400),
    ("데이터분석 준전문가 (ADsP)", "한국데이터산업진흥원", CertificationKind.LICENSED, 50_000),
    ("SQL 개발자 (SQLD)", "한국데이터산업진흥원", CertificationKind.LICENSED, 50_000),
    ("TOEIC", "ETS", CertificationKind.LANGUAGE, 52_500),
)
# Which certification a trainee sits, by the level of their course (same order as above).
CERTIFICATION_WEIGHTS = {
    Level.BEGINNER: (2, 6, 3, 2, 25, 25, 22, 15),
    Level.INTERMEDIATE: (10, 18, 14, 10, 16, 14, 12, 6),
    Level.ADVANCED: (22, 18, 18, 22, 6, 6, 5, 3),
}
# The fees the demo trainee paid: an earlier exam (claimed and paid this year, when it fell in this
# year) and one sat days ago that is not claimed yet (ADsP and SQLD, 50,000 won each).
SHOWCASE_EXAMS = ("데이터분석 준전문가 (ADsP)", "SQL 개발자 (SQLD)")


def _catalogue(b: WorldBuilder) -> list[tuple[int, int]]:
    return [
        (b.add(Certification, name=name, issuer=issuer, kind=kind, exam_fee=fee), fee)
        for name, issuer, kind, fee in CERTIFICATIONS
    ]


def _mock_exams(b: WorldBuilder, cert_id: int, trainee_id: int, sat_on: date, result) -> None:
    centre = 78 if result == ExamResult.PASSED else 58
    for _ in range(b.rng.randint(1, 2)):
        b.add(
            MockExam,
            certification_id=cert_id,
            trainee_id=trainee_id,
            taken_on=sat_on - timedelta(days=b.rng.randint(5, 35)),
            score=min(100, max(0, round(b.rng.gauss(centre, 9)))),
        )


def _result(b: WorldBuilder) -> ExamResult:
    return b.rng.choices((ExamResult.PASSED, ExamResult.FAILED, ExamResult.ABSENT), (60, 36, 4))[0]


def add_exams(b: WorldBuilder) -> list[tuple]:
    """The dated demo's exams; returns (sat on, attempt id, person, attempt row) of each, for
    the subsidy claims on their fees. Each attempt counts with the cohort the trainee sat it
    with (academy.subsidies.demo fills it in)."""
    rng, today = b.rng, b.today
    fees = _catalogue(b)
    by_name = {entry[0]: fee for entry, fee in zip(CERTIFICATIONS, fees, strict=True)}
    attempts = []
    for person in b.people:
        cohort = person.cohort
        if person.showcase:
            earlier, recent = (by_name[name] for name in SHOWCASE_EXAMS)
            recently = max(date(today.year, 1, 1), today - timedelta(days=10))
            sat = [(earlier, cohort.ends_on - timedelta(days=30)), (recent, recently)]
        else:
            if rng.random() >= 0.4:
                continue
            first = cohort.starts_on + timedelta(days=42)
            last = min(cohort.ends_on + timedelta(days=100), today)
            if first > last:
                continue
            sat = [
                (
                    rng.choices(fees, CERTIFICATION_WEIGHTS[cohort.level])[0],
                    first + timedelta(days=rng.randint(0, (last - first).days)),
                )
                for _ in range(2 if rng.random() < 0.15 else 1)
            ]
        for (cert_id, fee), sat_on in sat:
            result = _result(b)
            if person.showcase:
                result = ExamResult.PASSED
            attempt = dict(
                certification_id=cert_id,
                trainee_id=person.trainee_id,
                sat_on=sat_on,
                result=result,
                fee_paid=fee,
            )
            attempt["id"] = b.add(ExamAttempt, **attempt)
            attempts.append((sat_on, attempt["id"], person, attempt))
            _mock_exams(b, cert_id, person.trainee_id, sat_on, result)
    return attempts


def add_scale_exams(b: WorldBuilder) -> list[tuple]:
    """The scale generator's exams; returns (sat on, attempt id, person, attempt row) of each."""
    rng = b.rng
    fees = _catalogue(b)
    attempts = []
    for person in b.people:
        if rng.random() >= 0.4:
            continue
        cohort = person.cohort
        first = cohort.starts_on + timedelta(days=42)
        last = min(cohort.ends_on + timedelta(days=100), b.today)
        if last < first:
            continue
        for _ in range(2 if rng.random() < 0.15 else 1):
            cert_id, fee = rng.choices(fees, CERTIFICATION_WEIGHTS[cohort.level])[0]
            sat_on = first + timedelta(days=rng.randint(0, (last - first).days))
            result = _result(b)
            attempt = dict(
                certification_id=cert_id,
                trainee_id=person.trainee_id,
                cohort_id=cohort.id,
                sat_on=sat_on,
                result=result,
                fee_paid=fee,
            )
            attempt["id"] = b.add(ExamAttempt, **attempt)
            attempts.append((sat_on, attempt["id"], person, attempt))
            _mock_exams(b, cert_id, person.trainee_id, sat_on, result)
    return attempts
