"""factory_boy factories bound to the Flask-SQLAlchemy session."""

from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

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


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name", locale="ko_KR")
    role = Role.TRAINEE
    password_hash = None


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
