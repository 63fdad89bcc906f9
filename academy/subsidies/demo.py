"""The demo's instructors, certifications, internships and subsidy, linked the way the app keeps
them (academy.demo builds the rows; this completes them before they are inserted).

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

from academy import storage
from academy.models import (
    CareerPeriod,
    ClaimStatus,
    ExamAttempt,
    InternshipPlacement,
    SubsidyClaim,
)
from academy.outcomes.demo import demo_pdf

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
