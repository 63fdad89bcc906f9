"""The cohort side of the demo (academy.demo): cohorts closed by their coordinator the Monday
after their last day, trainees who did not complete, results a coordinator changed with a reason,
and, at the showcase campus, the cohort that ended last Friday still waiting to be closed, so the
closing, the at-risk list and the sheet can be tried on real-looking data. Dates are relative to
the demo's load date (builder.today). Deterministic: no random draws.

No one in the demo came off a waitlist: the demo's leavers are all in cohorts without one.
"""

from datetime import datetime, timedelta

from academy.models import Cohort, Enrolment, EnrolmentStatus, OutcomeRecord

# The reasons coordinators write when a project or a rule outside attendance decides.
OVERRIDE_REASONS = (
    "출석 기준은 충족했으나 최종 프로젝트 결과물을 제출하지 않아 수료 위원회에서 미수료로 결정",
    "출석 기준은 충족했으나 필수 평가(중간·최종)에 모두 응시하지 않아 미수료 처리",
)


def close_demo_cohorts(builder) -> None:
    """Every cohort that has ended is closed, except the showcase campus's that ended last Friday,
    whose roster is still as it was during training (enrolled, not yet completed or not)."""
    today = builder.today
    open_cohort = builder.showcase.get("closing")
    cohorts = builder.rows[Cohort]
    enrolments = builder.rows[Enrolment]
    for cohort in builder.cohorts:
        if cohort is open_cohort or cohort.ends_on >= today:
            continue
        row = cohorts[cohort.id - 1]
        row["closed_on"] = min(cohort.ends_on + timedelta(days=3), today)
        row["closed_by_id"] = cohort.campus.coordinators[0]
    if open_cohort is None:
        return
    staying = [
        p
        for p in builder.people
        if p.cohort is open_cohort
        and p.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)
    ]
    for person in staying:
        person.status = EnrolmentStatus.ENROLLED
        enrolments[person.enrolment_id - 1]["status"] = EnrolmentStatus.ENROLLED
    # Two who attended too little: the at-risk list and the close have someone to show.
    for person in staying[-2:]:
        person.fails_rule = True  # fmt: skip


def override_demo_results(builder) -> int:
    """In a few closed cohorts, a completer with no outcome on record was judged not to have
    completed for a reason outside attendance; the reason is kept. Returns how many."""
    with_outcome = {row["enrolment_id"] for row in builder.rows[OutcomeRecord]}
    cohorts = builder.rows[Cohort]
    enrolments = builder.rows[Enrolment]
    chosen, seen_campuses = [], set()
    for person in builder.people:
        row = cohorts[person.cohort.id - 1]
        if (
            person.status == EnrolmentStatus.COMPLETED
            and not person.showcase
            and row.get("closed_on")
            and person.enrolment_id not in with_outcome
            and person.cohort.campus.id not in seen_campuses
        ):
            chosen.append(person)
            seen_campuses.add(person.cohort.campus.id)
        if len(chosen) == 3:
            break
    for number, person in enumerate(chosen):
        closed_on = cohorts[person.cohort.id - 1]["closed_on"]
        person.status = EnrolmentStatus.NOT_COMPLETED
        enrolments[person.enrolment_id - 1].update(
            status=EnrolmentStatus.NOT_COMPLETED,
            completion_override_reason=OVERRIDE_REASONS[number % len(OVERRIDE_REASONS)],
            # 02:00 UTC, 11:00 in Seoul, on the day the cohort was closed.
            completion_overridden_at=datetime(closed_on.year, closed_on.month, closed_on.day, 2),
            completion_overridden_by_id=person.cohort.campus.coordinators[0],
        )  # fmt: skip
    return len(chosen)
