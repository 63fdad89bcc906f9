"""factory_boy factories bound to the Flask-SQLAlchemy session."""

import random
from datetime import date, timedelta

import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory
from faker.providers.person.ko_KR import Provider as KoreanNames

from academy.auth.two_factor import REQUIRED_ROLES
from academy.extensions import db
from academy.models import (
    Campus,
    CampusKind,
    Classroom,
    Cohort,
    Course,
    Enrolment,
    EnrolmentStatus,
    Instructor,
    Level,
    Role,
    Trainee,
    User,
    utcnow,
)


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class CampusFactory(BaseFactory):
    class Meta:
        model = Campus

    name = factory.Sequence(lambda n: f"테스트캠퍼스{n}")
    kind = CampusKind.DISTRICT
    district = factory.Sequence(lambda n: f"테스트구{n}")
    floor_area_m2 = 494


class ClassroomFactory(BaseFactory):
    class Meta:
        model = Classroom

    campus = factory.SubFactory(CampusFactory)
    name = factory.Sequence(lambda n: f"강의실 {n}")
    seats = 30


def _korean_names() -> list[str]:
    """Every Korean name Faker can make (about 5,300), in a fixed shuffled order. Drawn at
    random, two people of one test share a name about once in 150 tests of twenty people, and
    a test that says "this person is not on the page" then fails for no fault of the app."""
    given = sorted(set(KoreanNames.first_names_male) | set(KoreanNames.first_names_female))
    names = [family + name for family in KoreanNames.last_names for name in given]
    random.Random(2030).shuffle(names)
    return names


KOREAN_NAMES = _korean_names()


class UserFactory(BaseFactory):
    """Staff accounts come with a second factor enrolled, as they must have to use the app;
    pass totp_secret=None for one that still has to enrol."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: KOREAN_NAMES[n % len(KOREAN_NAMES)])
    role = Role.TRAINEE
    password_hash = None
    totp_secret = factory.LazyAttribute(
        lambda o: pyotp.random_base32() if o.role in REQUIRED_ROLES else None
    )
    totp_enrolled_at = factory.LazyAttribute(lambda o: utcnow() if o.totp_secret else None)


class TraineeFactory(BaseFactory):
    class Meta:
        model = Trainee

    user = factory.SubFactory(UserFactory, role=Role.TRAINEE)
    birth_date = date(2000, 5, 17)
    phone = factory.Sequence(lambda n: f"010-5555-{n % 10000:04d}")


class InstructorFactory(BaseFactory):
    class Meta:
        model = Instructor

    user = factory.SubFactory(UserFactory, role=Role.INSTRUCTOR)


class CourseFactory(BaseFactory):
    class Meta:
        model = Course

    campus = factory.SubFactory(CampusFactory)
    name = factory.Sequence(lambda n: f"AI 서비스 개발 {n}")
    level = Level.BEGINNER


class CohortFactory(BaseFactory):
    class Meta:
        model = Cohort

    code = factory.Sequence(lambda n: f"T-2025-{n:03d}")
    campus = factory.SubFactory(CampusFactory)
    course = factory.SubFactory(CourseFactory, campus=factory.SelfAttribute("..campus"))
    starts_on = date(2025, 3, 3)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(weeks=20))
    capacity = 25


class EnrolmentFactory(BaseFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    trainee = factory.SubFactory(TraineeFactory)
    status = EnrolmentStatus.ENROLLED
    enrolled_on = factory.SelfAttribute("cohort.starts_on")


# Instructors' careers, internships, certifications and the exam-fee subsidy (issue 4).
from datetime import datetime  # noqa: E402

from academy.models import (  # noqa: E402
    CareerField,
    CareerPeriod,
    Certification,
    CertificationKind,
    ClaimStatus,
    ExamAttempt,
    ExamResult,
    HostOrganisation,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    SubsidyClaim,
    SubsidyProgramme,
    SubsidyRound,
)


class CareerPeriodFactory(BaseFactory):
    class Meta:
        model = CareerPeriod

    instructor = factory.SubFactory(InstructorFactory)
    employer = factory.Sequence(lambda n: f"에이아이랩{n}")
    role_title = "머신러닝 엔지니어"
    field = CareerField.AI
    starts_on = date(2020, 1, 1)
    ends_on = date(2023, 12, 31)
    verified_at = datetime(2024, 1, 15, 1, 0)


class CertificationFactory(BaseFactory):
    class Meta:
        model = Certification

    name = factory.Sequence(lambda n: f"AI 자격 {n}")
    issuer = "한국데이터산업진흥원"
    kind = CertificationKind.AI_COMPANY
    exam_fee = 50_000


class ExamAttemptFactory(BaseFactory):
    class Meta:
        model = ExamAttempt

    certification = factory.SubFactory(CertificationFactory)
    trainee = factory.SubFactory(TraineeFactory)
    sat_on = date(2025, 6, 14)
    result = ExamResult.PASSED
    fee_paid = factory.SelfAttribute("certification.exam_fee")


class SubsidyProgrammeFactory(BaseFactory):
    class Meta:
        model = SubsidyProgramme

    year = 2025
    name = factory.LazyAttribute(lambda o: f"{o.year}년 청년 자격시험 응시료 지원")
    budget = 200_000_000
    spent = 0


class SubsidyRoundFactory(BaseFactory):
    class Meta:
        model = SubsidyRound

    programme = factory.SubFactory(SubsidyProgrammeFactory, year=2026)
    half = 1
    opens_on = factory.LazyAttribute(lambda o: date(o.programme.year, 1 if o.half == 1 else 7, 1))
    closes_on = factory.LazyAttribute(
        lambda o: date(o.programme.year, 6, 30) if o.half == 1 else date(o.programme.year, 12, 31)
    )


class SubsidyClaimFactory(BaseFactory):
    class Meta:
        model = SubsidyClaim

    programme = factory.SubFactory(SubsidyProgrammeFactory)
    exam_attempt = factory.SubFactory(ExamAttemptFactory)
    trainee = factory.SelfAttribute("exam_attempt.trainee")
    amount_requested = factory.SelfAttribute("exam_attempt.fee_paid")
    status = ClaimStatus.SUBMITTED
    applied_on = factory.LazyAttribute(lambda o: o.exam_attempt.sat_on + timedelta(days=3))


class HostOrganisationFactory(BaseFactory):
    class Meta:
        model = HostOrganisation

    name = factory.Sequence(lambda n: f"인턴 기관 {n}")


class InternshipOpeningFactory(BaseFactory):
    class Meta:
        model = InternshipOpening

    host = factory.SubFactory(HostOrganisationFactory)
    programme = InternshipProgramme.COMPANY_LINKED
    title = "데이터 분석 인턴"
    starts_on = date(2025, 9, 1)
    ends_on = date(2025, 11, 28)
    seats = 3
    weekly_hours = 40


class InternshipPlacementFactory(BaseFactory):
    class Meta:
        model = InternshipPlacement

    opening = factory.SubFactory(InternshipOpeningFactory)
    trainee = factory.SubFactory(TraineeFactory)
    starts_on = factory.SelfAttribute("opening.starts_on")
    weekly_hours = 40


# Job outcomes, evidence and follow-up (issue 5).
import io  # noqa: E402

from werkzeug.datastructures import FileStorage  # noqa: E402

from academy.models import (  # noqa: E402
    ContactAttempt,
    ContactChannel,
    ContactResult,
    EvidenceKind,
    OutcomeCode,
    OutcomeEvidence,
    OutcomeRecord,
    Verification,
)
from academy.uploads import store_upload  # noqa: E402

# A one-page PDF that parses (uploads are checked by structure, academy/uploads.py).
EVIDENCE_PDF = (
    b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
    b"2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n"
    b"3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>\nendobj\n"
    b"xref\n0 4\n0000000000 65535 f \n"
    b"0000000009 00000 n \n0000000054 00000 n \n"
    b"0000000105 00000 n \ntrailer\n<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def photo(kind: str = "JPEG") -> bytes:
    """A small real photo (uploads are decoded, academy/uploads.py)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, kind)
    return out.getvalue()


class OutcomeRecordFactory(BaseFactory):
    class Meta:
        model = OutcomeRecord

    enrolment = factory.SubFactory(EnrolmentFactory, status=EnrolmentStatus.COMPLETED)
    version = factory.Sequence(lambda n: n + 1)
    code = OutcomeCode.E1
    employer = "주식회사 한빛에이아이"
    starts_on = factory.LazyAttribute(lambda o: o.enrolment.cohort.ends_on + timedelta(days=30))
    insured = True
    weekly_hours = 40
    in_field = True
    monthly_pay = 3_000_000
    verification = Verification.SELF_REPORTED


class OutcomeEvidenceFactory(BaseFactory):
    """Evidence with a real file in the upload folder, as an upload would leave it."""

    class Meta:
        model = OutcomeEvidence

    outcome = factory.SubFactory(OutcomeRecordFactory, verification=Verification.EVIDENCE_ATTACHED)
    kind = EvidenceKind.EMPLOYMENT_CERTIFICATE
    stored_name = factory.LazyFunction(
        lambda: (
            store_upload(
                FileStorage(stream=io.BytesIO(EVIDENCE_PDF), filename="재직증명서.pdf")
            ).stored_name
        )
    )
    original_name = "재직증명서.pdf"
    content_type = "application/pdf"
    size_bytes = len(EVIDENCE_PDF)


class ContactAttemptFactory(BaseFactory):
    class Meta:
        model = ContactAttempt

    enrolment = factory.SubFactory(EnrolmentFactory, status=EnrolmentStatus.COMPLETED)
    channel = ContactChannel.PHONE
    result = ContactResult.NO_ANSWER
