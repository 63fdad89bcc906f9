from datetime import date

import pytest

from academy.internships import services
from academy.models import InternshipProgramme, PlacementStatus
from tests import factories

PLACE = dict(starts_on=date(2025, 9, 1), ends_on=None, paid=True, weekly_hours=None)


def test_a_placement_takes_a_seat_and_its_status_follows_the_dates(app, db):
    opening = factories.InternshipOpeningFactory(seats=2)
    trainee = factories.TraineeFactory()
    campus = factories.CampusFactory()
    db.session.commit()
    with app.test_request_context():
        placement = services.place(opening.id, trainee.id, campus.id, PLACE)
    assert placement.campus_id == campus.id and placement.weekly_hours == opening.weekly_hours
    assert services.initial_status(date(2025, 9, 1), None, date(2025, 8, 1)) == (
        PlacementStatus.PLANNED
    )
    assert services.initial_status(date(2025, 9, 1), date(2025, 10, 1), date(2025, 12, 1)) == (
        PlacementStatus.COMPLETED
    )
    assert services.seats_taken([opening.id]) == {opening.id: 1}


def test_a_full_opening_refuses_another_trainee_and_a_dropped_seat_frees_one(app, db):
    opening = factories.InternshipOpeningFactory(seats=1)
    first = factories.InternshipPlacementFactory(opening=opening)
    late = factories.TraineeFactory()
    campus = factories.CampusFactory()
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(services.InternshipError, match="모두 찼습니다"):
            services.place(opening.id, late.id, campus.id, PLACE)
        services.update_placement(first, PlacementStatus.DROPPED, date(2025, 9, 5))
        assert services.place(opening.id, late.id, campus.id, PLACE).trainee_id == late.id


def test_a_placement_stays_within_the_opening_and_once_per_trainee(app, db):
    opening = factories.InternshipOpeningFactory(seats=5)
    trainee = factories.TraineeFactory()
    campus = factories.CampusFactory()
    db.session.commit()
    with app.test_request_context():
        with pytest.raises(services.InternshipError):
            services.place(
                opening.id, trainee.id, campus.id, {**PLACE, "starts_on": date(2025, 1, 1)}
            )
        with pytest.raises(services.InternshipError):
            services.place(
                opening.id, trainee.id, campus.id, {**PLACE, "ends_on": date(2026, 1, 1)}
            )
        services.place(opening.id, trainee.id, campus.id, PLACE)
        with pytest.raises(services.InternshipError, match="이미"):
            services.place(opening.id, trainee.id, campus.id, PLACE)


def test_a_finished_placement_needs_its_end_date(app, db):
    placement = factories.InternshipPlacementFactory()
    db.session.commit()
    with app.test_request_context(), pytest.raises(services.InternshipError):
        services.update_placement(placement, PlacementStatus.COMPLETED, None)


def test_counts_by_programme_campus_and_year(app, db):
    north, south = (
        factories.CampusFactory(name="북캠퍼스"),
        factories.CampusFactory(name="남캠퍼스"),
    )
    company = factories.InternshipOpeningFactory(programme=InternshipProgramme.COMPANY_LINKED)
    city = factories.InternshipOpeningFactory(programme=InternshipProgramme.CITY_ADMIN_LINKED)
    camp = factories.InternshipOpeningFactory(
        programme=InternshipProgramme.YOUTH_JOB_CAMP, starts_on=date(2024, 7, 1)
    )
    factories.InternshipPlacementFactory(opening=company, campus=north)
    factories.InternshipPlacementFactory(
        opening=company, campus=south, status=PlacementStatus.ONGOING
    )
    factories.InternshipPlacementFactory(opening=city, campus=north)
    factories.InternshipPlacementFactory(opening=camp, campus=north)  # 2024
    db.session.commit()
    with app.test_request_context():
        year = services.counts(2025)
        north_only = services.counts(2025, north.id)
    assert year.total == 3
    assert year.by_programme[InternshipProgramme.COMPANY_LINKED][PlacementStatus.PLANNED] == 1
    assert year.by_programme[InternshipProgramme.COMPANY_LINKED][PlacementStatus.ONGOING] == 1
    assert sum(year.by_programme[InternshipProgramme.YOUTH_JOB_CAMP].values()) == 0
    campuses = {name: total for name, _, total in year.by_campus}
    assert campuses == {"북캠퍼스": 2, "남캠퍼스": 1}
    assert north_only.total == 2
    assert (
        services.counts(2024).by_programme[InternshipProgramme.YOUTH_JOB_CAMP][
            PlacementStatus.PLANNED
        ]
        == 1
    )
