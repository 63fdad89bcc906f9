"""The exam-fee subsidy of the demo (academy.seeding): a programme a year (from 2026 in a
first-half and a second-half round) and the claims on the fees of the exams trainees sat, decided
by the programme's rules (age, unemployed, last year's recipients, the yearly cap, the budget).

The dated demo (academy.demo) then links its instructors, certifications, internships and
subsidy the way the app keeps them:

- Each exam attempt is counted with the cohort the trainee sat it with, each subsidy claim and
  internship placement at that cohort's campus.
- This year's programme has budget left for every claim awaiting a decision and for the demo
  trainee's own application (academy.demo dates its round to be open on the load date).
- Claims awaiting a decision carry a receipt, and a few instructors' career periods their
  certificate of employment, as small stand-in PDF files.

Deterministic: its own random generator from the demo's seed, so the rest of the demo does not
change when this does.
"""

import random
from collections import Counter
from datetime import date, timedelta

from academy import storage
from academy.models import (
    CareerPeriod,
    ClaimStatus,
    ExamAttempt,
    ExamResult,
    InternshipPlacement,
    PaymentMethod,
    SubsidyClaim,
    SubsidyProgramme,
    SubsidyRound,
    age_on,
)
from academy.outcomes.demo import demo_pdf
from academy.seeding import SeedPerson, WorldBuilder, at

# First-half and second-half subsidy rounds from 2026, and last year's recipients excluded (source).
ROUNDS_FROM = 2026
SUBSIDY_BUDGET_PER_TRAINEE = 30_000  # at scale: a year's budget runs out in December, as it does
BUDGET_SPENT = "예산 소진으로 조기 마감되었습니다."

# Verified periods that get a stand-in certificate too (every period awaiting a check has one).
SAMPLE_CERTIFICATES = 40


def extend_demo(builder, seed: int) -> None:
    rng = random.Random(seed * 31 + 4)
    rows = builder.rows
    cohort_of = {p.trainee_id: p.cohort for p in builder.people}

    for attempt in rows[ExamAttempt]:
        attempt["cohort_id"] = cohort_of[attempt["trainee_id"]].id
    for claim in rows[SubsidyClaim]:
        claim["campus_id"] = cohort_of[claim["trainee_id"]].campus.id
    for placement in rows[InternshipPlacement]:
        placement["campus_id"] = cohort_of[placement["trainee_id"]].campus.id

    store = storage.area("uploads")
    waiting = [c for c in rows[SubsidyClaim] if c["status"] == ClaimStatus.SUBMITTED]

    for number, claim in enumerate(waiting, start=1):
        stored = f"demo-receipt-{number:05d}.pdf"
        store.put(stored, demo_pdf(f"Exam fee receipt {number} (illustrative)"))
        claim.update(receipt_path=stored, receipt_name=f"응시료_영수증_{number}.pdf")

    periods = rows[CareerPeriod]
    waiting_check = [p for p in periods if p["verified_at"] is None]
    checked = [p for p in periods if p["verified_at"] is not None]
    sample = waiting_check + rng.sample(checked, min(len(checked), SAMPLE_CERTIFICATES))
    for number, period in enumerate(sample, start=1):
        stored = f"demo-career-{number:05d}.pdf"
        title = f"Certificate of employment {number} (illustrative)"
        store.put(stored, demo_pdf(title))
        period.update(evidence_path=stored, evidence_name=f"경력증명서_{number}.pdf")


def _programme(b: WorldBuilder, year: int, budget: int) -> tuple[dict, dict]:
    """The year's programme row (its `spent` grows as claims are approved) and its rounds by
    half: the halves cover the year, so a round is open on any day."""
    b.add(
        SubsidyProgramme,
        year=year,
        name=f"{year}년 청년 자격시험 응시료 지원",
        budget=budget,
        spent=0,
        per_person_cap=200_000,
        min_age=19,
        max_age=39,
        unemployed_only=True,
        exclude_prior_year_recipients=year >= ROUNDS_FROM,
        payment_method=PaymentMethod.LOCAL_GIFT_CERTIFICATE,
    )
    programme = b.rows[SubsidyProgramme][-1]
    rounds = {}
    if year >= ROUNDS_FROM:
        for half, opens, closes in ((1, (1, 1), (6, 30)), (2, (7, 1), (12, 31))):
            opens_on, closes_on = date(year, *opens), date(year, *closes)
            round_id = b.add(
                SubsidyRound,
                programme_id=programme["id"],
                half=half,
                opens_on=opens_on,
                closes_on=closes_on,
            )
            rounds[half] = (round_id, opens_on, closes_on)
    return programme, rounds


def _refusal(
    b: WorldBuilder,
    programme: dict,
    used: Counter,
    person: SeedPerson,
    attempt: dict,
    applied_on: date,
    employed: bool,
    room: int,
) -> str | None:
    """Why the coordinator refused the claim, in the order the rules are checked; None if it
    is approved. A few receipts do not check out."""
    year = applied_on.year
    if attempt["result"] == ExamResult.ABSENT:
        return "결시: 응시하지 않은 시험은 지원 대상이 아닙니다."
    if employed:
        return "신청일 기준 재직 중: 미취업 청년 요건을 충족하지 않습니다."
    if not 19 <= age_on(person.birth_date, applied_on) <= 39:
        return "신청일 기준 만 19–39세가 아닙니다."
    if programme["exclude_prior_year_recipients"] and used[person.trainee_id, year - 1]:
        return "전년도에 지원을 받아 올해는 지원 대상이 아닙니다."
    if room <= 0:
        return "연간 1인 지원 한도(200,000원)를 모두 사용했습니다."
    if programme["spent"] + room > programme["budget"]:
        return BUDGET_SPENT
    if not person.showcase and b.rng.random() < 0.03:
        return "응시료 영수증이 확인되지 않습니다."
    return None


def _decide(
    b: WorldBuilder,
    claim: dict,
    person: SeedPerson,
    reason: str | None,
    room: int,
    used: Counter,
    programme: dict,
    paid_by_today: bool,
) -> None:
    """The claim decided days after it came in by the cohort's coordinator: refused with the
    reason, or approved, paid in local gift certificates and counted against the person's cap
    and the budget."""
    rng = b.rng
    applied_on = claim["applied_on"]
    decided = min(applied_on + timedelta(days=rng.randint(2, 10)), b.today)
    claim.update(decided_at=at(decided, 5), decided_by_id=person.cohort.campus.coordinators[0])
    if reason:
        claim.update(status=ClaimStatus.REJECTED, decision_reason=reason)
    else:
        paid_on = decided + timedelta(days=rng.randint(5, 15))
        claim.update(
            status=ClaimStatus.APPROVED,
            amount_approved=room,
            paid_on=min(paid_on, b.today) if paid_by_today else paid_on,
            payment_method=PaymentMethod.LOCAL_GIFT_CERTIFICATE,
        )
        used[person.trainee_id, applied_on.year] += room
        programme["spent"] += room
    b.add(SubsidyClaim, **claim)


def add_claims(b: WorldBuilder, attempts: list[tuple]) -> None:
    """Last year's and this year's programme, and claims on three in four exams' fees, decided
    up to the load date; recent ones still wait for a decision. The demo trainee's earlier exam
    is claimed and paid this year, their recent one is theirs to claim."""
    rng, today = b.rng, b.today
    programmes, rounds = {}, {}
    for year in (today.year - 1, today.year):
        programmes[year], by_half = _programme(b, year, 200_000_000)
        rounds.update({(year, half): found[0] for half, found in by_half.items()})
    used: Counter[tuple[int, int]] = Counter()  # (trainee, year) -> approved won
    for sat_on, attempt_id, person, attempt in sorted(attempts, key=lambda a: a[:2]):
        if person.showcase and sat_on > person.cohort.ends_on:
            continue  # the demo trainee's recent exam: theirs to claim
        if person.employed_at_start or not (person.showcase or rng.random() < 0.75):
            continue
        applied_on = min(sat_on + timedelta(days=rng.randint(2, 25)), date(sat_on.year, 12, 31))
        programme = programmes.get(applied_on.year)
        if applied_on > today or programme is None:
            continue
        if person.showcase and applied_on.year != today.year:
            continue  # supported last year would exclude them this year
        year = applied_on.year
        employed = person.job_starts_on is not None and person.job_starts_on <= applied_on
        if employed and rng.random() < 0.85:
            continue  # most people with a job know they are not eligible
        fee = attempt["fee_paid"]
        claim = dict(
            programme_id=programme["id"],
            round_id=rounds.get((year, 1 if applied_on.month <= 6 else 2)),
            trainee_id=person.trainee_id,
            exam_attempt_id=attempt_id,
            amount_requested=fee,
            applied_on=applied_on,
            created_at=at(applied_on),
        )
        room = min(fee, programme["per_person_cap"] - used[person.trainee_id, year])
        reason = _refusal(b, programme, used, person, attempt, applied_on, employed, room)
        recent = (today - applied_on).days < 14
        waiting = rng.random() < (0.6 if recent else 0.03 if year == today.year else 0)
        if reason is None and not person.showcase and waiting:
            b.add(SubsidyClaim, status=ClaimStatus.SUBMITTED, **claim)
            continue
        _decide(b, claim, person, reason, room, used, programme, paid_by_today=True)


def add_scale_claims(b: WorldBuilder, attempts: list[tuple], first_year: int) -> None:
    """A programme a year from `first_year`, its budget sized to the year's trainees so it runs
    out in December as it does; three in four exams' fees claimed, inside a round from 2026."""
    rng = b.rng
    programmes, rounds = {}, {}
    trainees_by_year = Counter(p.cohort.ends_on.year for p in b.people)
    for year in range(first_year, b.today.year + 1):
        budget = max(10_000_000, round(trainees_by_year[year] * SUBSIDY_BUDGET_PER_TRAINEE, -7))
        programmes[year], by_half = _programme(b, year, budget)
        programmes[year]["closed_early_on"] = None
        rounds.update({(year, half): found for half, found in by_half.items()})
    used: Counter[tuple[int, int]] = Counter()  # (trainee, year) -> approved won
    for sat_on, attempt_id, person, attempt in sorted(attempts, key=lambda a: a[:2]):
        if person.employed_at_start or rng.random() >= 0.75:
            continue
        applied_on = sat_on + timedelta(days=rng.randint(2, 25))
        programme = programmes.get(applied_on.year)
        if programme is None or applied_on > b.today:
            continue
        round_id = None
        year = applied_on.year
        if year >= ROUNDS_FROM:
            round_id, opens, closes = rounds[year, 1 if applied_on <= date(year, 6, 30) else 2]
            applied_on = min(max(applied_on, opens), closes)
        employed = person.job_starts_on is not None and person.job_starts_on <= applied_on
        if employed and rng.random() < 0.85:
            continue  # most people with a job know they are not eligible
        fee = attempt["fee_paid"]
        claim = dict(
            programme_id=programme["id"],
            round_id=round_id,
            trainee_id=person.trainee_id,
            campus_id=person.cohort.campus.id,
            exam_attempt_id=attempt_id,
            amount_requested=fee,
            applied_on=applied_on,
            created_at=at(applied_on),
        )
        room = min(fee, programme["per_person_cap"] - used[person.trainee_id, year])
        reason = _refusal(b, programme, used, person, attempt, applied_on, employed, room)
        if reason == BUDGET_SPENT:
            programme["closed_early_on"] = programme["closed_early_on"] or applied_on
        recent = (b.today - applied_on).days < 14
        if reason is None and rng.random() < (0.6 if recent else 0.02):
            b.add(SubsidyClaim, status=ClaimStatus.SUBMITTED, **claim)
            continue
        _decide(b, claim, person, reason, room, used, programme, paid_by_today=False)
