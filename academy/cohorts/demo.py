"""The cohort side of the demo (academy.seeding): courses, cohorts with their class sessions,
attendance, and the close. Two uses:

- the dated demo (academy.demo): cohorts that ended over the past 18 months, run today or start
  within ten weeks; those ended are closed by their coordinator the Monday after their last
  day, except, at the showcase campus, the cohort that ended last Friday, still waiting to be
  closed, so the closing, the at-risk list and the sheet can be tried on real-looking data; a
  few results a coordinator changed with a reason. No one in the demo came off a waitlist: the
  demo's leavers are all in cohorts without one.
- the scale generator (academy.scale): each campus's share of a year's trainees in cohorts that
  end within the year's span, closed three days after their end.
"""

from bisect import bisect
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from math import ceil

from academy.kpi.attendance import AttendanceRules, attendance_rate, meets_threshold
from academy.kpi.capacity import TIER_CAPACITY
from academy.models import (
    CampusKind,
    ClassSession,
    Cohort,
    Course,
    Enrolment,
    EnrolmentStatus,
    Level,
    Mark,
    OutcomeRecord,
    Tier,
)
from academy.seeding import (
    SHOWCASE_CAMPUS,
    SeedCampus,
    SeedCohort,
    WorldBuilder,
    at,
    share,
    weekdays,
)

COURSE_NAMES = {
    Level.BEGINNER: ("AI 기초와 파이썬 프로그래밍", "데이터 분석 입문", "생성형 AI 활용 실무"),
    Level.INTERMEDIATE: (
        "머신러닝 엔지니어링",
        "AI 서비스 개발 (웹·앱)",
        "데이터 엔지니어링과 MLOps",
        "컴퓨터 비전 응용",
    ),
    Level.ADVANCED: ("LLM 애플리케이션 개발", "딥러닝 모델 최적화", "AI 에이전트 시스템 설계"),
}
# The source: "SK, KT 등 국내 대기업이 참여하는 프로젝트 기반형 현장 실무 교육".
PROJECT_PARTNERS = ("SK", "KT")

# The window the demo covers, in weeks from the Monday of the load date's week: cohorts that ended
# in the last 18 months, and cohorts starting within the next ten weeks (enrolment open).
WEEKS_BACK = 78
WEEKS_AHEAD = 10
# The showcase campus's first two classrooms, as (weeks from this Monday to a cohort's start, weeks
# a cohort lasts, weeks between starts), so its logins always meet the same moments:
# room 1: a cohort running today (started 6 weeks ago) after one that ended 8 weeks ago (the demo
#         trainee's, in its outcome window);
# room 2: a cohort that ended last Friday and waits to be closed, then one starting in 3 weeks
#         (full, with a waitlist).
SHOWCASE_ROOMS = ((-6, 20, 22), (3, 20, 23))
SHOWCASE_MIN_SIZE = 8  # trainees in each showcase cohort, whatever the scale
BIGTECH_WEIGHT = 150  # at scale, a big-tech campus trains about as many as a small district one

# Cumulative chances of present / late / left early / absent / excused per attendance profile.
MARKS = (Mark.PRESENT, Mark.LATE, Mark.EARLY_LEAVE, Mark.ABSENT, Mark.EXCUSED)
PROFILES = {
    "good": (0.935, 0.03, 0.012, 0.013, 0.01),
    "fair": (0.86, 0.055, 0.03, 0.04, 0.015),
    "borderline": (0.745, 0.06, 0.04, 0.14, 0.015),
    "poor": (0.62, 0.08, 0.05, 0.23, 0.02),
}
_CUMULATIVE = {
    name: [sum(chances[: i + 1]) for i in range(len(chances) - 1)]
    for name, chances in PROFILES.items()
}

# The reasons coordinators write when a project or a rule outside attendance decides.
OVERRIDE_REASONS = (
    "출석 기준은 충족했으나 최종 프로젝트 결과물을 제출하지 않아 수료 위원회에서 미수료로 결정",
    "출석 기준은 충족했으나 필수 평가(중간·최종)에 모두 응시하지 않아 미수료 처리",
)


def _course(b: WorldBuilder, campus: SeedCampus, name: str, level: Level, partner, project) -> None:
    course_id = b.add(
        Course,
        campus_id=campus.id,
        name=name,
        level=level,
        field="AI",
        attendance_threshold_pct=80,
        lates_per_absence=3,
        partner_company=partner,
        project_based=project,
    )
    campus.courses[level].append(course_id)


def add_courses(b: WorldBuilder) -> None:
    """Beginner, intermediate and advanced courses by the campus's tier; big-tech campuses
    teach the two upper levels under their partner's name, and most district campuses run one
    intermediate course as a project with a partner company."""
    rng = b.rng
    for campus in b.campuses:
        if campus.kind == CampusKind.BIGTECH:
            plan = [(Level.INTERMEDIATE, 2), (Level.ADVANCED, 1)]
        else:
            beginners = 2 if campus.tier == Tier.LARGE else 1
            middles = 1 if campus.tier == Tier.SMALL else 2
            plan = [(Level.BEGINNER, beginners), (Level.INTERMEDIATE, middles), (Level.ADVANCED, 1)]
        for level, count in plan:
            for name in rng.sample(COURSE_NAMES[level], count):
                partner, project = campus.partner, False
                if campus.kind == CampusKind.BIGTECH:
                    name = f"{campus.partner} {name}"
                elif level == Level.INTERMEDIATE and not campus.courses[level]:
                    # Large and medium campuses all run one project course; some small ones.
                    if campus.tier != Tier.SMALL or rng.random() < 0.35:
                        partner = rng.choice(PROJECT_PARTNERS)
                        project = True
                        name = f"{name} ({partner} 현장 프로젝트)"
                _course(b, campus, name, level, partner, project)


def add_scale_courses(b: WorldBuilder) -> None:
    """Two courses of each level a campus teaches, none a project."""
    for campus in b.campuses:
        levels = [Level.INTERMEDIATE, Level.ADVANCED]
        if campus.kind == CampusKind.DISTRICT:
            levels.insert(0, Level.BEGINNER)
        for level in levels:
            for name in b.rng.sample(COURSE_NAMES[level], 2):
                if campus.kind == CampusKind.BIGTECH:
                    name = f"{campus.partner} {name}"
                _course(b, campus, name, level, campus.partner, False)


def _sessions(b: WorldBuilder, cohort_id: int, starts_on: date, ends_on: date) -> list:
    return [
        (b.add(ClassSession, cohort_id=cohort_id, held_on=day), day)
        for day in weekdays(starts_on, ends_on, b.closed)
    ]


def _yearly_trainees(b: WorldBuilder, campus: SeedCampus) -> int:
    """Roughly the tier's planning capacity, near its low end: the city total lands near the
    3,300 of the 2025 target, as the source says the academy trains this year."""
    if campus.kind == CampusKind.BIGTECH:
        wanted = b.rng.randint(45, 60)
    else:
        low, high = TIER_CAPACITY[campus.tier]
        wanted = low + round((high - low) * b.rng.uniform(0.0, 0.12))
    return max(1, round(wanted * b.scale))


def add_cohorts(b: WorldBuilder, campus: SeedCampus) -> None:
    """Each classroom runs cohorts of 16–24 weeks one after another, Monday to Friday, as many a
    year as the campus's yearly trainees need; those that ended in the last 18 months, run
    today or start in the next ten weeks are kept. The showcase campus's first two rooms
    follow SHOWCASE_ROOMS."""
    rng = b.rng
    wanted = _yearly_trainees(b, campus)
    mean_seats = sum(seats for _, seats in campus.rooms) / len(campus.rooms)
    showcase = campus.name == SHOWCASE_CAMPUS
    slots = min(max(1, ceil(wanted / (mean_seats * 0.9))), 3 * len(campus.rooms))
    if showcase:
        slots = max(slots, len(SHOWCASE_ROOMS))
    rooms = campus.rooms[:]
    if not showcase:
        rng.shuffle(rooms)
    per_room = Counter(rooms[i % len(rooms)] for i in range(slots))
    yearly = []  # (room id, seats, cohorts a year)
    for room_id, seats in rooms:
        if per_room[(room_id, seats)]:
            yearly.append((room_id, seats, per_room[(room_id, seats)]))
    capacities = [
        max(10, seats - rng.choice((0, 0, 0, 2, 4, 5)))
        for _, seats, count in yearly
        for _ in range(count)
    ]
    sizes = share(min(wanted, sum(capacities)), capacities)
    levels = (
        [Level.INTERMEDIATE, Level.ADVANCED]
        if campus.kind == CampusKind.BIGTECH
        else [Level.BEGINNER, Level.INTERMEDIATE, Level.ADVANCED]
    )
    weights = (0.6, 0.4) if campus.kind == CampusKind.BIGTECH else (0.45, 0.35, 0.2)
    planned = []  # (starts_on, ends_on, room id, capacity, size, room number)
    slot = 0
    for number, (room_id, _, count) in enumerate(yearly):
        shapes = list(zip(capacities[slot : slot + count], sizes[slot : slot + count], strict=True))
        slot += count
        fixed = SHOWCASE_ROOMS[number] if showcase and number < len(SHOWCASE_ROOMS) else None
        for i, (starts_on, ends_on) in enumerate(_room_schedule(b, count, fixed)):
            capacity, size = shapes[i % count]
            if showcase:
                size = max(size, SHOWCASE_MIN_SIZE)
                capacity = max(capacity, size)
            planned.append((starts_on, ends_on, room_id, capacity, size, number))
    planned.sort()
    numbers: Counter[int] = Counter()  # cohorts per start year, for the codes
    showcase_roles = {
        (0, -28): "trainee",
        (0, -6): "running",
        (1, -20): "closing",
        (1, 3): "coming",
    }
    for starts_on, ends_on, room_id, capacity, size, room_number in planned:
        level = rng.choices(levels, weights)[0]
        waitlisted = 0
        if size and rng.random() < 0.12:  # a full cohort with people waiting
            capacity, waitlisted = size, rng.randint(1, 3)
        if ends_on < b.today:
            state = "ended"
        elif starts_on <= b.today:
            state = "running"
        else:
            state = "coming"
        role = None
        if showcase and room_number < len(SHOWCASE_ROOMS):
            offset = (starts_on - b.monday).days // 7
            role = showcase_roles.get((room_number, offset))
        if role == "coming":  # full, with people waiting for a place
            capacity, waitlisted = size, max(waitlisted, 2)
        numbers[starts_on.year] += 1
        cohort_id = b.add(
            Cohort,
            code=f"{campus.code}-{starts_on.year}-{numbers[starts_on.year]:02d}",
            campus_id=campus.id,
            course_id=rng.choice(campus.courses[level]),
            classroom_id=room_id,
            starts_on=starts_on,
            ends_on=ends_on,
            capacity=capacity,
            created_at=at(min(starts_on - timedelta(days=60), b.today)),
        )
        cohort = SeedCohort(cohort_id, campus, level, starts_on, ends_on, state=state)
        cohort.sessions = _sessions(b, cohort_id, starts_on, ends_on)
        cohort.size, cohort.waitlisted = size, waitlisted
        b.cohorts.append(cohort)
        if role:
            b.showcase[role] = cohort


def _room_schedule(
    b: WorldBuilder, count: int, fixed: tuple[int, int, int] | None = None
) -> list[tuple[date, date]]:
    """One classroom's cohorts, `count` a year at a steady pace, inside the demo's window.
    `fixed` pins (weeks from this Monday to one start, weeks long, weeks between starts)."""
    rng = b.rng
    if fixed:
        offset, weeks, period = fixed
        lengths = None
    else:
        period = 52 // count
        offset = rng.randint(0, period - 1)
        weeks = None
        lengths = (16, min(24, period - 1))
    first = offset - period * ((offset + WEEKS_BACK + 24) // period + 1)
    schedule = []
    for start in range(first, WEEKS_AHEAD + 1, period):
        length = weeks or rng.randint(*lengths)
        starts_on = b.monday + timedelta(weeks=start)
        ends_on = starts_on + timedelta(weeks=length, days=-3)
        if (b.monday - ends_on).days <= WEEKS_BACK * 7:
            schedule.append((starts_on, ends_on))
    return schedule


def add_scale_cohorts(
    b: WorldBuilder, span: tuple[date, date], trainees: int, numbers: Counter
) -> None:
    """Each campus takes its share of a year's trainees by its tier's planning capacity; cohorts
    of 16–24 weeks end within the year's `span` (two Fridays). `numbers` counts cohorts per
    campus and start year, for the codes."""
    rng = b.rng
    weights = [
        BIGTECH_WEIGHT if c.kind == CampusKind.BIGTECH else sum(TIER_CAPACITY[c.tier]) // 2
        for c in b.campuses
    ]
    first_end, last_end = span
    for campus, wanted in zip(b.campuses, share(trainees, weights), strict=True):
        if not wanted:
            continue
        seats = [rng.choice(campus.rooms) for _ in range(max(1, ceil(wanted / 25)))]
        sizes = share(wanted, [s for _, s in seats])
        levels = list(campus.courses)
        for (room_id, capacity), size in zip(seats, sizes, strict=True):
            if not size:
                continue
            ends_on = first_end + timedelta(weeks=rng.randint(0, (last_end - first_end).days // 7))
            starts_on = ends_on - timedelta(weeks=rng.randint(16, 24), days=-3)
            level = rng.choice(levels)
            cohort_id = len(b.rows[Cohort]) + 1
            closed_on = None
            if ends_on <= b.today:
                closed_on = min(ends_on + timedelta(days=3), b.today)
            numbers[campus.id, starts_on.year] += 1
            number = numbers[campus.id, starts_on.year]
            b.add(
                Cohort,
                code=f"{campus.code}-{starts_on.year}-{number:03d}",
                campus_id=campus.id,
                course_id=rng.choice(campus.courses[level]),
                classroom_id=room_id,
                starts_on=starts_on,
                ends_on=ends_on,
                capacity=max(capacity, size),
                created_at=at(min(starts_on - timedelta(days=60), b.today)),
                closed_on=closed_on,
                closed_by_id=campus.coordinators[0] if closed_on else None,
            )
            sessions = _sessions(b, cohort_id, starts_on, ends_on)
            cohort = SeedCohort(cohort_id, campus, level, starts_on, ends_on, sessions, closed_on)
            cohort.size = size
            b.cohorts.append(cohort)


def close_demo_cohorts(b: WorldBuilder) -> None:
    """Every cohort that has ended is closed, except the showcase campus's that ended last Friday,
    whose roster is still as it was during training (enrolled, not yet completed or not)."""
    today = b.today
    open_cohort = b.showcase.get("closing")
    cohorts = b.rows[Cohort]
    enrolments = b.rows[Enrolment]
    for cohort in b.cohorts:
        if cohort is open_cohort or cohort.ends_on >= today:
            continue
        row = cohorts[cohort.id - 1]
        row["closed_on"] = min(cohort.ends_on + timedelta(days=3), today)
        row["closed_by_id"] = cohort.campus.coordinators[0]
    if open_cohort is None:
        return
    staying = [
        p
        for p in b.people
        if p.cohort is open_cohort
        and p.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.NOT_COMPLETED)
    ]
    for person in staying:
        person.status = EnrolmentStatus.ENROLLED
        enrolments[person.enrolment_id - 1]["status"] = EnrolmentStatus.ENROLLED
    # Two who attended too little: the at-risk list and the close have someone to show.
    for person in staying[-2:]:
        person.fails_rule = True


def override_demo_results(b: WorldBuilder) -> int:
    """In a few closed cohorts, a completer with no outcome on record was judged not to have
    completed for a reason outside attendance; the reason is kept. Returns how many."""
    with_outcome = {row["enrolment_id"] for row in b.rows[OutcomeRecord]}
    cohorts = b.rows[Cohort]
    enrolments = b.rows[Enrolment]
    chosen, seen_campuses = [], set()
    for person in b.people:
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
        )
    return len(chosen)


def demo_marks(b: WorldBuilder) -> Iterator[tuple]:
    """Attendance in the order of academy.seeding.MARK_COLUMNS, recorded at 09:30 in Seoul on
    the day. Mostly present; about 10% of trainees attend poorly (those who withdraw, a few who
    scrape through). Completers always meet their course's 80% rule, as completion requires.
    Marks exist for sessions before the load date only: today's sheets are still to mark
    (at the showcase campus's running cohort, the latest session's when no class is today)."""
    rng, today = b.rng, b.today
    running = b.showcase["running"]
    unmarked = max((d for _, d in running.sessions if d <= today), default=today)
    rules = AttendanceRules()
    number = 0
    for person in b.people:
        if person.status == EnrolmentStatus.WITHDRAWN or person.fails_rule:
            profile = "poor"
        elif person.status == EnrolmentStatus.EARLY_EMPLOYED or person.showcase:
            profile = "good"
        else:
            roll = rng.random()
            profile = "borderline" if roll < 0.02 else "fair" if roll < 0.27 else "good"
        chances = _CUMULATIVE[profile]
        cohort = person.cohort
        until = min(today, person.left_on) if person.left_on else today
        if cohort is running:
            until = min(until, unmarked)
        sessions = [s for s in cohort.sessions if s[1] < until]
        marks = [MARKS[bisect(chances, rng.random())] for _ in sessions]
        held = len(cohort.sessions)
        if cohort.state != "ended":  # the rule over the sessions held so far
            held = sum(1 for _, day in cohort.sessions if day < until)
        if person.at_risk:
            # Two absences short of the most the course allows, none excused: at risk.
            allowed = len(cohort.sessions) - -(-80 * len(cohort.sessions) // 100)
            absences = min(len(marks), max(allowed - 2, 0))
            marks = [Mark.PRESENT] * len(marks)
            for i in range(absences):
                marks[len(marks) - 1 - i * len(marks) // max(absences, 1)] = Mark.ABSENT
        elif not held:
            pass
        elif person.fails_rule:  # the completion rule, applied at the close, says no
            while meets_threshold(attendance_rate(Counter(marks), held, rules), rules):
                marks[marks.index(Mark.PRESENT)] = Mark.ABSENT
        elif person.status in (
            EnrolmentStatus.COMPLETED,
            EnrolmentStatus.ENROLLED,
            EnrolmentStatus.NOT_COMPLETED,
        ):  # the last: overridden
            while not meets_threshold(attendance_rate(Counter(marks), held, rules), rules):
                worst = Mark.ABSENT if Mark.ABSENT in marks else Mark.LATE
                marks[marks.index(worst if worst in marks else Mark.EARLY_LEAVE)] = Mark.PRESENT
        recorder = person.cohort.lead_user_id
        for (session_id, held_on), mark in zip(sessions, marks, strict=True):
            number += 1
            recorded_at = datetime(held_on.year, held_on.month, held_on.day, 0, 30)
            yield (number, session_id, person.enrolment_id, mark.value, recorder, recorded_at)


def scale_marks(b: WorldBuilder) -> Iterator[tuple]:
    """Attendance up to the day the data is as of (or the day a person left), mostly present.
    Completers meet the 80% rule and those not completing fall short of it, as the close
    decided. Marks are drawn as indexes into MARKS: millions of them, enum-free."""
    rng = b.rng
    rules = AttendanceRules()
    values = [m.value for m in MARKS]
    present, absent = MARKS.index(Mark.PRESENT), MARKS.index(Mark.ABSENT)
    number = 0
    for person in b.people:
        if person.status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.NOT_COMPLETED):
            profile = "poor"
        elif person.status == EnrolmentStatus.EARLY_EMPLOYED:
            profile = "good"
        else:
            roll = rng.random()
            profile = "borderline" if roll < 0.02 else "fair" if roll < 0.27 else "good"
        chances = _CUMULATIVE[profile]
        cohort = person.cohort
        until = b.today
        if person.left_on:
            until = min(b.today, person.left_on - timedelta(days=1))
        sessions = [s for s in cohort.sessions if s[1] <= until]
        marks = [bisect(chances, rng.random()) for _ in sessions]
        held = len(cohort.sessions)
        if person.status == EnrolmentStatus.NOT_COMPLETED:
            while meets_threshold(attendance_rate(_counts(marks), held, rules), rules):
                marks[marks.index(present)] = absent
        elif person.status == EnrolmentStatus.COMPLETED:
            while not meets_threshold(attendance_rate(_counts(marks), held, rules), rules):
                worst = next(i for i in (absent, 1, 2) if i in marks)  # absent, late, early
                marks[marks.index(worst)] = present
        recorder = cohort.lead_user_id
        for (session_id, held_on), mark in zip(sessions, marks, strict=True):
            number += 1
            recorded_at = datetime(held_on.year, held_on.month, held_on.day, 0, 30)
            yield (number, session_id, person.enrolment_id, values[mark], recorder, recorded_at)


def _counts(marks: list[int]) -> Counter:
    counts = Counter(marks)
    return Counter({MARKS[i]: n for i, n in counts.items()})
