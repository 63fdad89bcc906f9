"""Instructors take the roll of their own cohorts: they never see a trainee's phone number, birth
date or anything of the exam-fee subsidy, on any page they can reach (every GET endpoint the
access-policy table opens to them, with real objects of their cohort) or its htmx fragment."""

from datetime import date

from academy.models import ClaimStatus, Role
from tests import factories
from tests.privacy.walk import reachable_urls
from tests.test_access import sign_in

REASON = {"reason": "other", "reason_other": "출결 확인"}
PHONE, BORN = "010-7777-3131", date(1998, 11, 23)
AMOUNT, PROGRAMME = 123_456, "응시료지원사업XYZ"


def test_instructor_pages_show_no_phone_birth_date_or_subsidy(app, client, login_as, db):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    trainee = factories.TraineeFactory(phone=PHONE, birth_date=BORN)
    enrolment = factories.EnrolmentFactory(cohort=cohort, trainee=trainee)
    attempt = factories.ExamAttemptFactory(trainee=trainee, cohort=cohort, fee_paid=AMOUNT)
    programme = factories.SubsidyProgrammeFactory(year=2024, name=PROGRAMME)
    factories.SubsidyClaimFactory(
        programme=programme,
        exam_attempt=attempt,
        trainee=trainee,
        campus=campus,
        status=ClaimStatus.APPROVED,
        amount_approved=AMOUNT,
        applied_on=date(2024, 6, 20),
    )
    db.session.commit()
    world = {"campus": campus, "cohort": cohort, "enrolment": enrolment}
    user = sign_in(login_as, Role.INSTRUCTOR, world)
    urls = reachable_urls(app, Role.INSTRUCTOR, world, user)
    assert {"cohorts.show", "cohorts.attendance", "cohorts.sessions"} <= set(urls)
    forbidden = [
        "7777",
        "3131",
        "1998",
        "11-23",
        "11월 23일",
        "123,456",
        "123456",
        PROGRAMME,
        "응시료",
        "지원금",
        "Subsid",
        "subsid",
    ]
    # The public privacy policy and terms describe the subsidy programme in general words.
    public = {"home.privacy", "home.terms"}
    walked = 0
    for endpoint, url in urls.items():
        if endpoint in public:
            continue
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers, query_string=REASON)
            assert response.status_code == 200, url
            if response.mimetype != "text/html":
                continue
            page = response.get_data(as_text=True)
            seen = [f for f in forbidden if f in page]
            assert not seen, (url, headers, seen)
            walked += 1
    # The trainee is on the pages walked: the roster names them.
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert trainee.user.name in page
    assert walked >= 8
