import io
from dataclasses import dataclass
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage

from academy.models import EnrolmentStatus, Role, SubsidyProgramme, Trainee, User
from tests import factories
from tests.factories import EVIDENCE_PDF

PDF = EVIDENCE_PDF


def receipt(name: str = "영수증.pdf", data: bytes = PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@dataclass
class World:
    campus: object
    cohort: object
    programme: SubsidyProgramme
    coordinator: User

    def trainee(self, born=date(2000, 5, 17)) -> Trainee:
        enrolment = factories.EnrolmentFactory(
            cohort=self.cohort, trainee__birth_date=born, status=EnrolmentStatus.COMPLETED
        )
        return enrolment.trainee

    def attempt(self, trainee, fee=50_000, sat_on=date(2025, 6, 14), **fields):
        return factories.ExamAttemptFactory(
            trainee=trainee,
            sat_on=sat_on,
            fee_paid=fee,
            certification__exam_fee=fee,
            cohort=self.cohort,
            **fields,
        )

    def claim(self, trainee=None, amount=50_000, **fields):
        trainee = trainee or self.trainee()
        attempt = self.attempt(trainee, fee=amount)
        fields.setdefault("campus", self.campus)
        return factories.SubsidyClaimFactory(
            programme=self.programme,
            trainee=trainee,
            exam_attempt=attempt,
            amount_requested=amount,
            applied_on=date(2025, 6, 20),
            **fields,
        )


@pytest.fixture
def world(db) -> World:
    """A 2025 programme with 1,000,000 won and a campus whose cohort ran in the first half."""
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus, starts_on=date(2025, 3, 3))
    programme = factories.SubsidyProgrammeFactory(year=2025, budget=1_000_000)
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=campus)
    db.session.commit()
    return World(campus, cohort, programme, coordinator)
