"""Job outcomes (취업 결과): a person's jobs as a history, every version of each kept.

A person may hold several jobs over time (`job` numbers them within the enrolment); each has its
own start date, terms, evidence and verification state, and a correction of a job is a new
version of that job. The highest version of all is the person's latest statement.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from academy.extensions import db
from academy.models.base import enum_column, utcnow

if TYPE_CHECKING:
    from academy.models.accounts import User
    from academy.models.cohorts import Enrolment


class OutcomeCode(enum.StrEnum):
    E1 = "E1"  # employed, open-ended, insured
    E2 = "E2"  # employed, fixed term, insured
    E3 = "E3"  # paid internship or apprenticeship
    E4 = "E4"  # part-time, freelance, short contract
    E5 = "E5"  # founded a company
    E6 = "E6"  # employed outside the field
    S1 = "S1"  # still seeking
    S2 = "S2"  # not seeking
    X = "X"  # excluded with evidence
    U = "U"  # unknown

    @property
    def is_employed(self) -> bool:
        return self.value.startswith("E")


class ExclusionReason(enum.StrEnum):
    FURTHER_STUDY = "further_study"  # 진학
    MILITARY = "military"  # 군입대
    ILLNESS = "illness"  # 질병 (3주 이상)
    EMIGRATION = "emigration"  # 이민


class Verification(enum.StrEnum):
    SELF_REPORTED = "self_reported"
    EVIDENCE_ATTACHED = "evidence_attached"
    VERIFIED = "verified"
    RETURNED = "returned"  # sent back to the trainee with a reason


PENDING_CONDITION = "verification IN ('self_reported', 'evidence_attached', 'returned')"


@dataclass(frozen=True)
class Limits:
    """The values a job's figure may take, both ends included: one definition for the database's
    CHECK, the outcome form and the outcomes importer."""

    low: int
    high: int

    def __contains__(self, value: int) -> bool:
        return self.low <= value <= self.high

    def check(self, column: str) -> str:
        return f"{column} IS NULL OR {column} BETWEEN {self.low} AND {self.high}"


# E1–E6 are jobs, so a job of no hours is no job; a week has 168 (the quality rule's minimum
# hours take the same range).
WEEKLY_HOURS = Limits(1, 168)
# Blank is an open-ended contract.
CONTRACT_MONTHS = Limits(1, 120)
MONTHLY_PAY = Limits(0, 100_000_000)  # whole won; more is a typing slip, not a salary


class OutcomeRecord(db.Model):
    """One version of one of a person's outcomes (a job, or a status such as S1 or X).

    The versions of an enrolment are numbered in one sequence (`version`); those of one job share
    its `job` number, and the highest version of a job is that job's current state. The KPI counts
    a person as employed when any job's current state started inside the window."""

    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", "version"),
        sa.CheckConstraint(
            "code <> 'X' OR exclusion_reason IS NOT NULL", name="exclusion_needs_reason"
        ),
        sa.CheckConstraint(
            "code NOT IN ('E1','E2','E3','E4','E5','E6') OR starts_on IS NOT NULL",
            name="employment_needs_start",
        ),
        sa.CheckConstraint(MONTHLY_PAY.check("monthly_pay"), name="monthly_pay_range"),
        sa.CheckConstraint(WEEKLY_HOURS.check("weekly_hours"), name="weekly_hours_range"),
        sa.CheckConstraint(CONTRACT_MONTHS.check("contract_months"), name="contract_months_range"),
        sa.CheckConstraint(
            "verification <> 'returned' OR returned_reason IS NOT NULL", name="returned_has_reason"
        ),
        sa.CheckConstraint("job >= 1", name="job_number_positive"),
        # The coordinators' verification queue: the few reports still waiting among years of
        # verified ones (migration 0008).
        sa.Index(
            "ix_outcome_record_pending",
            "enrolment_id",
            "version",
            postgresql_where=sa.text(PENDING_CONDITION),
            sqlite_where=sa.text(PENDING_CONDITION),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # No index of its own: the unique constraint (enrolment_id, version) leads with it.
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"))
    version: Mapped[int] = mapped_column(default=1)
    job: Mapped[int] = mapped_column(default=1, server_default="1")
    code: Mapped[OutcomeCode] = mapped_column(enum_column(OutcomeCode, "outcome_code"), index=True)
    employer: Mapped[Optional[str]] = mapped_column(sa.String(150))
    starts_on: Mapped[Optional[date]]
    insured: Mapped[Optional[bool]]
    weekly_hours: Mapped[Optional[int]]
    contract_months: Mapped[Optional[int]]  # blank: open-ended
    in_field: Mapped[Optional[bool]]
    monthly_pay: Mapped[Optional[int]] = mapped_column(sa.BigInteger)  # whole won
    exclusion_reason: Mapped[Optional[ExclusionReason]] = mapped_column(
        enum_column(ExclusionReason, "exclusion_reason")
    )
    verification: Mapped[Verification] = mapped_column(
        enum_column(Verification, "verification"), default=Verification.SELF_REPORTED
    )
    returned_reason: Mapped[Optional[str]] = mapped_column(sa.String(500))
    reported_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    verified_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    verified_at: Mapped[Optional[datetime]]
    # Who sent the version back and when; the reason is in returned_reason, for the trainee.
    returned_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    returned_at: Mapped[Optional[datetime]]
    # Verified from an employment-insurance match: the file is the evidence (InsuranceMatch).
    insurance_match_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("insurance_match.id"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped["Enrolment"] = relationship(back_populates="outcomes")
    insurance_match: Mapped[Optional["InsuranceMatch"]] = relationship()
    reported_by: Mapped[Optional["User"]] = relationship(foreign_keys=[reported_by_id])
    verified_by: Mapped[Optional["User"]] = relationship(foreign_keys=[verified_by_id])
    returned_by: Mapped[Optional["User"]] = relationship(foreign_keys=[returned_by_id])
    evidence: Mapped[list["OutcomeEvidence"]] = relationship(
        back_populates="outcome", order_by="OutcomeEvidence.id"
    )


class EvidenceKind(enum.StrEnum):
    EMPLOYMENT_CERTIFICATE = "employment_certificate"  # 재직증명서
    INSURANCE_CERTIFICATE = "insurance_certificate"  # 4대보험 가입확인서
    BUSINESS_REGISTRATION = "business_registration"  # 사업자등록증
    CONTRACT = "contract"  # 근로계약서
    INSURANCE_MATCH = "insurance_match"  # HRD-Net employment-insurance match
    OTHER = "other"


class OutcomeEvidence(db.Model):
    """A file kept outside static/, under a server-made name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome_record.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"))
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    outcome: Mapped["OutcomeRecord"] = relationship(back_populates="evidence")


class InsuranceMatch(db.Model):
    """An applied employment-insurance match file (고용보험 피보험자격 취득 내역): the evidence of
    every outcome it verified, kept in the upload store under a server-made name.

    `campus_id` is the campus it was matched within; None for an official's citywide match. Past
    its retention (INSURANCE_MATCH_RETENTION_DAYS) the file is deleted and `stored_name` cleared;
    the row stays, with its hash, as the record of what was applied."""

    __table_args__ = (
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.CheckConstraint(
            "(stored_name IS NULL) = (purged_at IS NOT NULL)", name="file_kept_or_purged"
        ),
        sa.CheckConstraint(
            "rows_read >= 0 AND verified >= 0 AND added >= 0 AND at_start >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("campus.id"), index=True)
    stored_name: Mapped[Optional[str]] = mapped_column(sa.String(100), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    size_bytes: Mapped[int]
    purged_at: Mapped[Optional[datetime]]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)
    applied_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    rows_read: Mapped[int] = mapped_column(default=0)
    verified: Mapped[int] = mapped_column(default=0)  # pending versions verified in place
    added: Mapped[int] = mapped_column(default=0)  # new verified versions from the match
    at_start: Mapped[int] = mapped_column(default=0)  # enrolments marked employed at the start

    uploaded_by: Mapped[Optional["User"]] = relationship()


class ContactChannel(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    TEXT = "text"  # 문자 메시지
    IN_PERSON = "in_person"


class ContactResult(enum.StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    WRONG_CONTACT = "wrong_contact"  # the number or address no longer reaches the person
    SENT = "sent"  # an e-mail or text went out; no answer yet
    FAILED = "failed"  # the e-mail could not be sent


class ContactAttempt(db.Model):
    """A try to learn a completer's outcome (follow-up): CIRR and WIOA count only documented
    efforts before someone is left as unknown."""

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id"), index=True)
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel, "contact_channel"))
    result: Mapped[ContactResult] = mapped_column(enum_column(ContactResult, "contact_result"))
    note: Mapped[Optional[str]] = mapped_column(sa.String(500))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("user.id"), index=True)

    enrolment: Mapped["Enrolment"] = relationship()
    by: Mapped[Optional["User"]] = relationship()
