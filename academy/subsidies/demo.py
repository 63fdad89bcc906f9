"""The demo's instructors, certifications, internships and subsidy, linked the way the app keeps
them (academy.demo builds the rows; this completes them before they are inserted).

- Each exam attempt is counted with the cohort the trainee sat it with, each subsidy claim and
  internship placement at that cohort's campus.
- The 2025 programme is near the end of its budget: what is left is less than the claims still
  awaiting a decision ask for, so deciding them closes applications early (조기 마감).
- Claims awaiting a decision carry a receipt, and a few instructors' career periods their
  certificate of employment, as small stand-in PDF files.

Deterministic: its own random generator from the demo's seed, so the rest of the demo does not
change when this does.
"""

import random

from academy import storage
from academy.models import (
    CareerPeriod,
    ClaimStatus,
    ExamAttempt,
    InternshipPlacement,
    SubsidyClaim,
    SubsidyProgramme,
)
from academy.outcomes.demo import demo_pdf

# Share of what the waiting claims ask for that the 2025 budget still has: less than all of it.
REMAINING_SHARE = 0.4
WON_UNIT = 10_000
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
    first_year = min(rows[SubsidyProgramme], key=lambda p: p["year"])
    waiting = [
        c for c in rows[SubsidyClaim]
        if c["programme_id"] == first_year["id"] and c["status"] == ClaimStatus.SUBMITTED
    ]  # fmt: skip
    asked = sum(c["amount_requested"] for c in waiting)
    left = max(WON_UNIT, int(asked * REMAINING_SHARE) // WON_UNIT * WON_UNIT)
    first_year["budget"] = first_year["spent"] + left

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
