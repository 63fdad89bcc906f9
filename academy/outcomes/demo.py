"""The outcome side of the demo (academy.demo): evidence files, versions that were sent back and
corrected, outcomes waiting in the verification queue, and contact attempts with completers
whose outcome is unknown. Deterministic: its own random generator from the demo's seed, so the
rest of the demo does not change when this does.
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
    OutcomeCode,
    OutcomeEvidence,
    OutcomeRecord,
    Verification,
)

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
                record.update(verification=Verification.EVIDENCE_ATTACHED, verified_by_id=None,
                              verified_at=None)  # fmt: skip
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
                ((EvidenceKind.EMPLOYMENT_CERTIFICATE, "재직증명서.pdf"),
                 (EvidenceKind.INSURANCE_CERTIFICATE, "4대보험_가입확인서.pdf"),
                 (EvidenceKind.CONTRACT, "근로계약서.pdf"))
            )  # fmt: skip
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
                    (ContactChannel.PHONE, ContactChannel.PHONE, ContactChannel.EMAIL,
                     ContactChannel.TEXT)
                )  # fmt: skip
                if channel == ContactChannel.EMAIL:
                    result = ContactResult.SENT
                else:
                    result = self.rng.choice(
                        (ContactResult.NO_ANSWER, ContactResult.NO_ANSWER, ContactResult.REACHED,
                         ContactResult.LEFT_MESSAGE, ContactResult.WRONG_CONTACT)
                    )  # fmt: skip
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
