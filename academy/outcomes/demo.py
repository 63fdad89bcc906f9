"""The outcome side of the demo (academy.seeding): outcomes 180 days after each cohort's end in
the demo's mix, for both uses (the dated demo, academy.demo, and the scale generator,
academy.scale); and, in the dated demo, evidence files, versions that were sent back and
corrected, outcomes waiting in the verification queue, and contact attempts with completers
whose outcome is unknown. The extension draws from its own random generator seeded from the
demo's seed, so the rest of the demo does not change when it does.
"""

import random
from datetime import datetime, timedelta

from academy import storage
from academy.models import (
    ContactAttempt,
    ContactChannel,
    ContactResult,
    EnrolmentStatus,
    EvidenceKind,
    ExclusionReason,
    OutcomeCode,
    OutcomeEvidence,
    OutcomeRecord,
    Verification,
)
from academy.seeding import SeedPerson, WorldBuilder, at, round_to, years_before

# The 2025 legal minimum monthly wage (209 hours): a few jobs pay less, to show the quality rule.
PAY_FLOOR_2025 = 2_096_270

# About 85% employed, so that with the jobs found after the 180-day window and the unknowns kept
# in the denominator most cohorts' employment rate lands near the 80% line of the "1089" target.
OUTCOME_MIX = (
    (OutcomeCode.E1, 60),
    (OutcomeCode.E2, 8),
    (OutcomeCode.E3, 5),
    (OutcomeCode.E4, 4),
    (OutcomeCode.E5, 3),
    (OutcomeCode.E6, 5),
    (OutcomeCode.S1, 6),
    (OutcomeCode.S2, 2),
    (OutcomeCode.X, 3),
    (OutcomeCode.U, 4),
)
# Cohorts that ended this long before the load date have had their outcomes checked: nearly every
# job with evidence is verified by then.
CHECKED_AFTER_DAYS = 240

RETURN_REASONS = (
    "재직증명서의 입사일과 입력한 시작일이 다릅니다. 날짜를 확인해 주세요.",
    "첨부 파일이 흐려서 회사명이 보이지 않습니다. 다시 올려 주세요.",
    "급여명세서 대신 재직증명서나 4대보험 가입확인서를 올려 주세요.",
    "계약 기간이 적혀 있지 않습니다. 근로계약서를 함께 올려 주세요.",
)
CONTACT_NOTES = {
    ContactResult.REACHED: (
        "이번 주 안에 앱에서 입력하겠다고 함",
        "면접 진행 중, 결과 나오면 알려 주기로 함",
    ),
    ContactResult.NO_ANSWER: ("", "오후에 다시 걸기"),
    ContactResult.LEFT_MESSAGE: ("음성 메시지 남김", "문자로 입력 안내 보냄"),
    ContactResult.WRONG_CONTACT: ("결번 안내", ""),
    ContactResult.SENT: ("취업 결과 입력 안내 메일", ""),
}


def demo_pdf(title: str) -> bytes:
    """A one-page PDF with a line of text, built by hand: the demo's stand-in evidence."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


class OutcomeDemo:
    def __init__(self, builder, seed: int) -> None:
        self.b = builder
        self.rng = random.Random(seed * 31 + 5)
        self.store = storage.area("uploads")
        self.files = 0

    def extend(self) -> None:
        people = {p.enrolment_id: p for p in self.b.people}
        current: dict[int, dict] = {}
        for record in self.b.rows[OutcomeRecord]:
            if record["version"] >= current.get(record["enrolment_id"], {}).get("version", 0):
                current[record["enrolment_id"]] = record
        showcase_campus = next(p.cohort.campus for p in self.b.people if p.showcase)
        queued = 0
        for enrolment_id, record in sorted(current.items()):
            person = people[enrolment_id]
            coordinator = person.cohort.campus.coordinators[0]
            code = record["code"]
            if not (code.is_employed or code == OutcomeCode.X) or person.showcase:
                continue
            state = record["verification"]
            if (
                person.cohort.campus is showcase_campus
                and state == Verification.VERIFIED
                and queued < 3
                and record["reported_by_id"] == person.user_id
            ):
                # The demo coordinator finds a few outcomes waiting for them.
                record.update(
                    verification=Verification.EVIDENCE_ATTACHED,
                    verified_by_id=None,
                    verified_at=None,
                )
                state = Verification.EVIDENCE_ATTACHED
                queued += 1
            if state == Verification.VERIFIED and code.is_employed and self.rng.random() < 0.08:
                self._corrected_history(record, person, coordinator)
            elif state == Verification.EVIDENCE_ATTACHED and self.rng.random() < 0.2:
                returned_at = record["created_at"] + timedelta(days=self.rng.randint(1, 6))
                if returned_at.date() <= self.b.today:  # else still waiting for the check
                    record.update(
                        verification=Verification.RETURNED,
                        returned_reason=self.rng.choice(RETURN_REASONS),
                        returned_by_id=coordinator,
                        returned_at=returned_at,
                    )
            if record["verification"] in (
                Verification.EVIDENCE_ATTACHED,
                Verification.RETURNED,
            ) or (
                record["verification"] == Verification.VERIFIED
                and record["reported_by_id"] == person.user_id
            ):
                self._evidence(record, person.user_id)
        self._contacts(people, current)

    def _corrected_history(self, record: dict, person, coordinator: int) -> None:
        """Reported with a wrong start date, sent back with a reason, corrected and verified:
        the history shows each step with who and when."""
        first_at = record["created_at"] - timedelta(days=self.rng.randint(8, 20))
        wrong_start = record["starts_on"] + timedelta(days=self.rng.choice((-14, -7, 7, 14)))
        earlier = {k: v for k, v in record.items() if k != "id"}
        earlier.update(
            version=record["version"],
            starts_on=wrong_start,
            verification=Verification.RETURNED,
            verified_by_id=None,
            verified_at=None,
            returned_reason=RETURN_REASONS[0],
            returned_by_id=coordinator,
            returned_at=first_at + timedelta(days=2),
            reported_by_id=person.user_id,
            created_at=first_at,
        )
        earlier_id = self.b.add(OutcomeRecord, **earlier)
        self._evidence(self.b.rows[OutcomeRecord][earlier_id - 1], person.user_id)
        record["version"] += 1
        record["reported_by_id"] = person.user_id

    def _evidence(self, record: dict, uploader: int) -> None:
        code = record["code"]
        if code == OutcomeCode.E5:
            kind, name = EvidenceKind.BUSINESS_REGISTRATION, "사업자등록증.pdf"
        elif code == OutcomeCode.X:
            kind, name = EvidenceKind.OTHER, "증빙서류.pdf"
        else:
            kind, name = self.rng.choice(
                (
                    (EvidenceKind.EMPLOYMENT_CERTIFICATE, "재직증명서.pdf"),
                    (EvidenceKind.INSURANCE_CERTIFICATE, "4대보험_가입확인서.pdf"),
                    (EvidenceKind.CONTRACT, "근로계약서.pdf"),
                )
            )
        number = len(self.b.rows[OutcomeEvidence]) + 1
        stored_name = f"demo-{number:05d}.pdf"
        data = demo_pdf(f"Demo evidence {number}: {kind.value} (illustrative)")
        self.store.put(stored_name, data)
        self.files += 1
        self.b.add(
            OutcomeEvidence,
            outcome_id=record["id"],
            kind=kind,
            stored_name=stored_name,
            original_name=name,
            content_type="application/pdf",
            size_bytes=len(data),
            uploaded_by_id=uploader,
            uploaded_at=record["created_at"],
        )

    def _contacts(self, people: dict, current: dict[int, dict]) -> None:
        """Completers whose outcome is unknown were called, texted and e-mailed, as follow-up
        does; some answered that they would report."""
        today = self.b.today
        for person in self.b.people:
            if person.status not in (EnrolmentStatus.COMPLETED, EnrolmentStatus.EARLY_EMPLOYED):
                continue
            record = current.get(person.enrolment_id)
            ended = person.cohort.ends_on
            if (record and record["code"] != OutcomeCode.U) or ended + timedelta(days=30) > today:
                continue
            coordinator = person.cohort.campus.coordinators[0]
            last = min(today, ended + timedelta(days=178))
            for _ in range(self.rng.choice((0, 1, 1, 2, 2, 3))):
                day = ended + timedelta(days=self.rng.randint(30, (last - ended).days))
                channel = self.rng.choice(
                    (
                        ContactChannel.PHONE,
                        ContactChannel.PHONE,
                        ContactChannel.EMAIL,
                        ContactChannel.TEXT,
                    )
                )
                if channel == ContactChannel.EMAIL:
                    result = ContactResult.SENT
                else:
                    result = self.rng.choice(
                        (
                            ContactResult.NO_ANSWER,
                            ContactResult.NO_ANSWER,
                            ContactResult.REACHED,
                            ContactResult.LEFT_MESSAGE,
                            ContactResult.WRONG_CONTACT,
                        )
                    )
                note = self.rng.choice(CONTACT_NOTES[result]) or None
                self.b.add(
                    ContactAttempt,
                    enrolment_id=person.enrolment_id,
                    channel=channel,
                    result=result,
                    note=note,
                    attempted_at=datetime.combine(day, datetime.min.time())
                    + timedelta(hours=self.rng.randint(0, 8)),
                    by_id=coordinator,
                )


def extend_demo(builder, seed: int) -> dict[str, int]:
    demo = OutcomeDemo(builder, seed)
    demo.extend()
    return {"evidence_files": demo.files, "contact_attempts": len(builder.rows[ContactAttempt])}


def job_terms(rng: random.Random, code: OutcomeCode) -> dict:
    """Plausible terms of a job of each outcome code; about 6% of salaried jobs pay under the
    legal minimum, so the quality rule has someone to refuse."""

    def pay(low: int, high: int, centre: int) -> int:
        if rng.random() < 0.06:  # under the legal minimum: fails the quality rule
            return round_to(rng.uniform(1_800_000, PAY_FLOOR_2025 - 10_000))
        return round_to(min(max(rng.gauss(centre, 550_000), low), high))

    if code == OutcomeCode.E1:
        return dict(
            insured=True,
            weekly_hours=rng.choice((40,) * 8 + (35, 38, 45)),
            contract_months=None,
            in_field=rng.random() < 0.88,
            monthly_pay=pay(2_300_000, 4_500_000, 3_200_000),
        )
    if code == OutcomeCode.E2:
        return dict(
            insured=True,
            weekly_hours=40,
            contract_months=rng.choice((6, 10, 12, 12, 24)),
            in_field=rng.random() < 0.8,
            monthly_pay=pay(2_300_000, 4_000_000, 2_900_000),
        )
    if code == OutcomeCode.E3:
        return dict(
            insured=True,
            weekly_hours=40,
            contract_months=rng.choice((2, 3, 4, 6)),
            in_field=rng.random() < 0.9,
            monthly_pay=round_to(rng.uniform(2_100_000, 2_500_000)),
        )
    if code == OutcomeCode.E4:
        return dict(
            insured=rng.random() < 0.3,
            weekly_hours=rng.randint(15, 30),
            contract_months=rng.choice((None, 1, 3, 6)),
            in_field=rng.random() < 0.6,
            monthly_pay=round_to(rng.uniform(800_000, 2_000_000)),
        )
    if code == OutcomeCode.E5:
        return dict(
            insured=False,
            weekly_hours=rng.randint(40, 55),
            contract_months=None,
            in_field=rng.random() < 0.8,
            monthly_pay=None,
        )
    return dict(
        insured=True,
        weekly_hours=40,
        contract_months=rng.choice((None, None, 12)),
        in_field=False,
        monthly_pay=pay(2_300_000, 3_500_000, 2_700_000),
    )


def _code(rng: random.Random, person: SeedPerson) -> OutcomeCode:
    """Early leavers for a job are mostly in a permanent one; others draw from OUTCOME_MIX."""
    if person.status == EnrolmentStatus.EARLY_EMPLOYED:
        return OutcomeCode.E1 if rng.random() < 0.8 else OutcomeCode.E2
    codes, weights = zip(*OUTCOME_MIX, strict=True)
    return rng.choices(codes, weights)[0]


def _job_start(rng: random.Random, person: SeedPerson):
    ended = person.cohort.ends_on
    if person.status == EnrolmentStatus.EARLY_EMPLOYED:
        return person.left_on + timedelta(days=rng.randint(1, 10))
    if person.employed_at_start:
        return years_before(person.cohort.starts_on, rng.randint(1, 3))
    if rng.random() < 0.07:  # found a job, but after the 180-day window
        return ended + timedelta(days=rng.randint(181, 270))
    return ended + timedelta(days=rng.randint(7, 178))


def add_outcomes(b: WorldBuilder) -> None:
    """Outcomes as of 180 days after each cohort's end, one row per completer except some
    unknowns, who have none (no row and a U row both mean unknown). What would be reported
    after the load date is not known yet, and what would be verified later is still waiting
    for the coordinator: cohorts in their window show provisional figures."""
    rng = b.rng
    for person in b.people:
        if not person.completer:
            continue
        cohort = person.cohort
        if person.showcase:  # still looking for work: eligible for the exam-fee subsidy
            reported = cohort.ends_on + timedelta(days=20)
            b.add(
                OutcomeRecord,
                enrolment_id=person.enrolment_id,
                version=1,
                code=OutcomeCode.S1,
                verification=Verification.SELF_REPORTED,
                reported_by_id=person.user_id,
                created_at=at(reported, 3),
            )
            person.outcome = OutcomeCode.S1
            continue
        code = _code(rng, person)
        if code == OutcomeCode.U and rng.random() < 0.5:
            continue
        record = _outcome(b, person, code)
        first = None
        if (
            code == OutcomeCode.E1
            and record["starts_on"] > cohort.ends_on + timedelta(days=60)
            and rng.random() < 0.04
        ):
            first = dict(
                enrolment_id=person.enrolment_id,
                version=1,
                code=OutcomeCode.S1,
                verification=Verification.SELF_REPORTED,
                reported_by_id=person.user_id,
                created_at=at(cohort.ends_on + timedelta(days=rng.randint(25, 50))),
            )
        if record["created_at"].date() > b.today:  # not reported yet
            if first is None or first["created_at"].date() > b.today:
                continue
            record, first, code = first, None, OutcomeCode.S1
        settled = (b.today - cohort.ends_on).days > CHECKED_AFTER_DAYS
        if (
            settled
            and code.is_employed
            and record["verification"] != Verification.VERIFIED
            and rng.random() < 0.85
        ):
            record.update(
                verification=Verification.VERIFIED,
                verified_by_id=cohort.campus.coordinators[0],
                verified_at=record["created_at"] + timedelta(days=rng.randint(1, 21), hours=2),
            )
        if record.get("verified_at") and record["verified_at"].date() > b.today:
            waiting = (
                Verification.EVIDENCE_ATTACHED
                if code.is_employed or code == OutcomeCode.X
                else Verification.SELF_REPORTED
            )
            record.update(verified_by_id=None, verified_at=None, verification=waiting)
        if first is not None:
            b.add(OutcomeRecord, **first)
            record["version"] = 2
        b.add(OutcomeRecord, **record)
        person.outcome = code
        person.job_starts_on = record.get("starts_on") if code.is_employed else None


def _outcome(b: WorldBuilder, person: SeedPerson, code: OutcomeCode) -> dict:
    rng, cohort = b.rng, person.cohort
    coordinator = cohort.campus.coordinators[0]
    ended = cohort.ends_on
    record = dict(enrolment_id=person.enrolment_id, version=1, code=code)
    if code.is_employed:
        starts_on = _job_start(rng, person)
        record.update(starts_on=starts_on, employer=b.company_name(), **job_terms(rng, code))
        created = max(starts_on, ended) + timedelta(days=rng.randint(3, 30))
        verification = rng.choices(
            (Verification.VERIFIED, Verification.EVIDENCE_ATTACHED, Verification.SELF_REPORTED),
            (80, 12, 8),
        )[0]
    elif code == OutcomeCode.X:
        record["exclusion_reason"] = rng.choices(list(ExclusionReason), (35, 45, 12, 8))[0]
        created = ended + timedelta(days=rng.randint(60, 175))
        verification = rng.choices(
            (Verification.VERIFIED, Verification.EVIDENCE_ATTACHED), (85, 15)
        )[0]
    else:
        created = ended + timedelta(days=rng.randint(150, 178))
        verification = (
            Verification.VERIFIED
            if code != OutcomeCode.U and rng.random() < 0.4
            else Verification.SELF_REPORTED
        )
    self_reported = code != OutcomeCode.U and rng.random() < 0.65
    created_at = at(created, rng.randint(0, 8), rng.randint(0, 59))
    record.update(
        verification=verification,
        reported_by_id=person.user_id if self_reported else coordinator,
        created_at=created_at,
    )
    if verification == Verification.VERIFIED:
        record.update(
            verified_by_id=coordinator,
            verified_at=created_at + timedelta(days=rng.randint(1, 21), hours=2),
        )
    return record


def add_scale_outcomes(b: WorldBuilder) -> None:
    """The demo's outcome mix, 180 days after each closed cohort's end; what would be reported
    after the day the data is as of is not known yet, and verification may still be pending.
    Coordinators work through their queue: what is older than a quarter has been checked, so
    the queue holds recent reports, not years of them."""
    rng = b.rng
    moment = at(b.today, 14)
    for person in b.people:
        if not person.completer:
            continue
        code = _code(rng, person)
        if code == OutcomeCode.U and rng.random() < 0.5:
            continue
        ended = person.cohort.ends_on
        record = dict(enrolment_id=person.enrolment_id, version=1, code=code)
        if code.is_employed:
            starts_on = _job_start(rng, person)
            record.update(starts_on=starts_on, employer=b.company_name(), **job_terms(rng, code))
            created = max(starts_on, ended) + timedelta(days=rng.randint(3, 30))
            verification = rng.choices(
                (Verification.VERIFIED, Verification.EVIDENCE_ATTACHED, Verification.SELF_REPORTED),
                (80, 12, 8),
            )[0]
        elif code == OutcomeCode.X:
            record["exclusion_reason"] = rng.choices(list(ExclusionReason), (35, 45, 12, 8))[0]
            created = ended + timedelta(days=rng.randint(60, 175))
            verification = Verification.EVIDENCE_ATTACHED
            if rng.random() < 0.85:
                verification = Verification.VERIFIED
        else:
            created = ended + timedelta(days=rng.randint(150, 178))
            verification = Verification.SELF_REPORTED
            if code != OutcomeCode.U and rng.random() < 0.4:
                verification = Verification.VERIFIED
        created_at = at(created, rng.randint(0, 8), rng.randint(0, 59))
        if created_at > moment:
            continue
        coordinator = person.cohort.campus.coordinators[0]
        record.update(
            verification=verification,
            created_at=created_at,
            reported_by_id=person.user_id if rng.random() < 0.65 else coordinator,
        )
        if created_at < moment - timedelta(days=90) and code != OutcomeCode.U:
            verification = record["verification"] = Verification.VERIFIED
        if verification == Verification.VERIFIED:
            verified_at = created_at + timedelta(days=rng.randint(1, 21), hours=2)
            if verified_at > moment:  # still in the coordinator's queue
                record["verification"] = Verification.EVIDENCE_ATTACHED
            else:
                record.update(verified_by_id=coordinator, verified_at=verified_at)
        b.add(OutcomeRecord, **record)
        person.outcome = code
        person.job_starts_on = record.get("starts_on") if code.is_employed else None
