"""The trainees of the demo (academy.seeding) and their enrolments: aged 19–39 (만 나이) at the
start of their cohort, mostly mid-twenties; 8.5% withdraw, 3% leave early for a job, 2% stay but
attend too little, 3% are employed at the start. Two uses: the dated demo's rosters as of its
load date (academy.demo) and the scale generator's (academy.scale)."""

from dataclasses import replace
from datetime import date, timedelta

from academy.models import Cohort, Enrolment, EnrolmentStatus, Role, Trainee, age_on
from academy.seeding import (
    DEMO_LOGINS,
    SHOWCASE_CAMPUS,
    SeedPerson,
    WorldBuilder,
    at,
    years_before,
)

TRAINEE_DOMAINS = ("example.com", "example.org", "example.net")
AGE_WEIGHTS = (1, 2, 3, 5, 7, 9, 10, 10, 10, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1, 1)  # 19 … 39


def birth_date(b: WorldBuilder, starts_on: date) -> date:
    """Aged 19–39 (만 나이) on the cohort's first day, mostly mid-twenties."""
    age = b.rng.choices(range(19, 40), AGE_WEIGHTS)[0]
    latest = years_before(starts_on, age)
    earliest = years_before(starts_on, age + 1) + timedelta(days=1)
    born = earliest + timedelta(days=b.rng.randint(0, (latest - earliest).days))
    assert age_on(born, starts_on) == age
    return born


def _enrol(b: WorldBuilder, cohort, person, position: int | None, enrolled_on: date) -> None:
    """The person's enrolment row; everyone but the waitlisted joins the people later steps
    (attendance, outcomes, exams) draw from."""
    enrolment_id = b.add(
        Enrolment,
        cohort_id=cohort.id,
        trainee_id=person.trainee_id,
        status=person.status,
        waitlist_position=position,
        enrolled_on=enrolled_on,
        left_on=person.left_on,
        employed_at_start=person.employed_at_start,
        created_at=at(enrolled_on),
    )
    if person.status != EnrolmentStatus.WAITLISTED:
        b.people.append(replace(person, enrolment_id=enrolment_id))


def add_rosters(b: WorldBuilder) -> None:
    """Rosters as of the load date: ended cohorts have completers, leavers and a few who did
    not complete; running ones are enrolled, less those who left before today; coming ones
    are enrolled, with the waitlist on top."""
    rng, today = b.rng, b.today
    showcase = b.showcase["trainee"]
    number = 0
    for cohort in b.cohorts:
        held = [day for _, day in cohort.sessions]
        for place in range(cohort.size + cohort.waitlisted):
            number += 1
            is_showcase = cohort is showcase and place == 0
            domain = TRAINEE_DOMAINS[number % len(TRAINEE_DOMAINS)]
            email = DEMO_LOGINS[Role.TRAINEE] if is_showcase else f"trainee{number:05d}@{domain}"
            user_id = b.user(
                email, Role.TRAINEE, password_hash=b.password_hash if is_showcase else None
            )
            vulnerable = rng.random() < 0.15
            born = birth_date(b, cohort.starts_on)
            if is_showcase:  # 27 today: within 19–39 on any day the demo shows
                born = years_before(today, 27) - timedelta(days=40)
            trainee_id = b.add(
                Trainee,
                user_id=user_id,
                birth_date=born,
                phone=f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}",
                vulnerable=vulnerable,
            )
            enrolled_on = cohort.starts_on - timedelta(days=rng.randint(3, 21))
            enrolled_on = min(enrolled_on, today - timedelta(days=rng.randint(0, 6)))
            status, left_on, position = EnrolmentStatus.COMPLETED, None, None
            if cohort.state != "ended":
                status = EnrolmentStatus.ENROLLED
            employed_at_start = False
            roll = rng.random()
            if place >= cohort.size:
                status, position = EnrolmentStatus.WAITLISTED, place - cohort.size + 1
            elif is_showcase or cohort.state == "coming":
                pass
            # Nobody leaves a cohort with a waitlist: a leaver's seat would have gone to the
            # first person waiting (academy.cohorts.enrolment).
            elif roll < 0.085 and not cohort.waitlisted:
                status = EnrolmentStatus.WITHDRAWN
                left_on = held[rng.randint(len(held) // 10, len(held) * 7 // 10)]
            elif roll < 0.115 and not cohort.waitlisted:
                status = EnrolmentStatus.EARLY_EMPLOYED
                left_on = held[rng.randint(len(held) * 6 // 10, len(held) * 95 // 100)]
            elif 0.115 <= roll < 0.135 and cohort.state == "ended":
                status = EnrolmentStatus.NOT_COMPLETED  # stayed, but attended too little
            else:
                employed_at_start = rng.random() < 0.03
            if left_on is not None and left_on >= today:  # not gone yet
                status, left_on = EnrolmentStatus.ENROLLED, None
            _enrol(
                b,
                cohort,
                SeedPerson(
                    trainee_id=trainee_id,
                    user_id=user_id,
                    enrolment_id=0,
                    cohort=cohort,
                    status=status,
                    left_on=left_on,
                    employed_at_start=employed_at_start,
                    birth_date=born,
                    vulnerable=vulnerable,
                    showcase=is_showcase,
                    fails_rule=status == EnrolmentStatus.NOT_COMPLETED,
                ),
                position,
                enrolled_on,
            )
    # Two at risk in the cohort running today at the showcase campus: a few more absences
    # and they cannot complete (the cohort page's at-risk list).
    running = [
        p
        for p in b.people
        if p.cohort is b.showcase["running"] and p.status == EnrolmentStatus.ENROLLED
    ]
    for person in running[-2:]:
        person.at_risk = True


def add_scale_rosters(b: WorldBuilder) -> None:
    """The demo's mix in every cohort; one cohort in eight has one or two waiting. The demo
    trainee is the first of the showcase campus's latest closed cohort."""
    rng = b.rng
    closed = [c for c in b.cohorts if not c.open] or b.cohorts
    showcase = max(closed, key=lambda c: (c.campus.name == SHOWCASE_CAMPUS, c.ends_on))
    number = 0
    for cohort in b.cohorts:
        held = [day for _, day in cohort.sessions]
        waiting = rng.randint(1, 2) if rng.random() < 0.125 and cohort.size > 2 else 0
        if waiting:  # full: the waitlist starts where the seats end
            b.rows[Cohort][cohort.id - 1]["capacity"] = cohort.size - waiting
        for place in range(cohort.size):
            number += 1
            is_showcase = cohort is showcase and place == 0
            domain = TRAINEE_DOMAINS[number % len(TRAINEE_DOMAINS)]
            email = DEMO_LOGINS[Role.TRAINEE] if is_showcase else f"trainee{number:06d}@{domain}"
            user_id = b.user(
                email, Role.TRAINEE, password_hash=b.password_hash if is_showcase else None
            )
            born = birth_date(b, cohort.starts_on)
            trainee_id = b.add(
                Trainee,
                user_id=user_id,
                birth_date=born,
                phone=f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}",
                vulnerable=rng.random() < 0.15,
                created_at=at(min(cohort.starts_on - timedelta(days=30), b.today)),
            )
            enrolled_on = min(cohort.starts_on - timedelta(days=rng.randint(3, 21)), b.today)
            status = EnrolmentStatus.COMPLETED if not cohort.open else EnrolmentStatus.ENROLLED
            left_on, position, at_start = None, None, False
            roll = rng.random()
            if place >= cohort.size - waiting:
                status, position = EnrolmentStatus.WAITLISTED, place - cohort.size + waiting + 1
            elif is_showcase:
                pass
            elif roll < 0.085:
                status = EnrolmentStatus.WITHDRAWN
                left_on = held[rng.randint(len(held) // 10, len(held) * 7 // 10)]
            elif roll < 0.115 and not cohort.open:
                status = EnrolmentStatus.EARLY_EMPLOYED
                left_on = held[rng.randint(len(held) * 6 // 10, len(held) * 95 // 100)]
            elif roll < 0.135 and not cohort.open:
                status = EnrolmentStatus.NOT_COMPLETED
            else:
                at_start = rng.random() < 0.03
            if left_on is not None and left_on > b.today:  # not gone yet
                status, left_on = EnrolmentStatus.ENROLLED, None
            _enrol(
                b,
                cohort,
                SeedPerson(
                    trainee_id=trainee_id,
                    user_id=user_id,
                    enrolment_id=0,
                    cohort=cohort,
                    status=status,
                    left_on=left_on,
                    employed_at_start=at_start,
                    birth_date=born,
                ),
                position,
                enrolled_on,
            )
