"""Translated names of the domain's enums, in one place for pages, exports and the CLI."""

import enum

from flask_babel import lazy_gettext as _l

from academy.models import (
    AllianceKind,
    CampusKind,
    CareerField,
    CertificationKind,
    ClaimStatus,
    EnrolmentStatus,
    ExamResult,
    ExclusionReason,
    InternshipProgramme,
    Level,
    Mark,
    OutcomeCode,
    PaymentMethod,
    PlacementStatus,
    Role,
    Tier,
    Verification,
)

_LABELS: list[tuple[enum.Enum, object]] = [
    (Role.OFFICIAL, _l("City official")),
    (Role.COORDINATOR, _l("Campus coordinator")),
    (Role.INSTRUCTOR, _l("Instructor")),
    (Role.TRAINEE, _l("Trainee")),
    (Role.ADMIN, _l("Administrator")),
    (CampusKind.DISTRICT, _l("District campus")),
    (CampusKind.BIGTECH, _l("Global big-tech campus")),
    (CampusKind.INDUSTRY_HUB, _l("Industry hub campus")),
    (Tier.LARGE, _l("Large")),
    (Tier.MEDIUM, _l("Medium")),
    (Tier.SMALL, _l("Small")),
    (Level.BEGINNER, _l("Beginner")),
    (Level.INTERMEDIATE, _l("Intermediate")),
    (Level.ADVANCED, _l("Advanced")),
    (EnrolmentStatus.ENROLLED, _l("Enrolled")),
    (EnrolmentStatus.WAITLISTED, _l("Waitlisted")),
    (EnrolmentStatus.WITHDRAWN, _l("Withdrawn")),
    (EnrolmentStatus.COMPLETED, _l("Completed")),
    (EnrolmentStatus.EARLY_EMPLOYED, _l("Early employment")),
    (Mark.PRESENT, _l("Present")),
    (Mark.LATE, _l("Late")),
    (Mark.EARLY_LEAVE, _l("Left early")),
    (Mark.ABSENT, _l("Absent")),
    (Mark.EXCUSED, _l("Excused")),
    (OutcomeCode.E1, _l("Employed, open-ended, insured")),
    (OutcomeCode.E2, _l("Employed, fixed term, insured")),
    (OutcomeCode.E3, _l("Paid internship or apprenticeship")),
    (OutcomeCode.E4, _l("Part-time, freelance or short contract")),
    (OutcomeCode.E5, _l("Founded a company")),
    (OutcomeCode.E6, _l("Employed outside the field")),
    (OutcomeCode.S1, _l("Still seeking")),
    (OutcomeCode.S2, _l("Not seeking")),
    (OutcomeCode.X, _l("Excluded")),
    (OutcomeCode.U, _l("Unknown")),
    (ExclusionReason.FURTHER_STUDY, _l("Further study")),
    (ExclusionReason.MILITARY, _l("Military service")),
    (ExclusionReason.ILLNESS, _l("Illness")),
    (ExclusionReason.EMIGRATION, _l("Emigration")),
    (Verification.SELF_REPORTED, _l("Self-reported")),
    (Verification.EVIDENCE_ATTACHED, _l("Evidence attached")),
    (Verification.VERIFIED, _l("Verified")),
    (Verification.RETURNED, _l("Sent back")),
    (CareerField.AI, _l("AI")),
    (CareerField.SOFTWARE, _l("Software")),
    (CareerField.OTHER, _l("Other field")),
    (InternshipProgramme.COMPANY_LINKED, _l("Company-linked internship")),
    (InternshipProgramme.CITY_ADMIN_LINKED, _l("City-administration internship")),
    (InternshipProgramme.YOUTH_JOB_CAMP, _l("Seoul youth intern job camp")),
    (PlacementStatus.PLANNED, _l("Planned")),
    (PlacementStatus.ONGOING, _l("Ongoing")),
    (PlacementStatus.COMPLETED, _l("Finished")),
    (PlacementStatus.DROPPED, _l("Dropped")),
    (CertificationKind.AI_COMPANY, _l("AI company certification")),
    (CertificationKind.NATIONAL, _l("National technical qualification")),
    (CertificationKind.LICENSED, _l("Licensed qualification")),
    (CertificationKind.LANGUAGE, _l("Language test")),
    (CertificationKind.DRIVING, _l("Driving licence")),
    (CertificationKind.OTHER, _l("Other certification")),
    (ExamResult.PENDING, _l("Awaiting result")),
    (ExamResult.PASSED, _l("Passed")),
    (ExamResult.FAILED, _l("Failed")),
    (ExamResult.ABSENT, _l("Did not sit")),
    (ClaimStatus.SUBMITTED, _l("Submitted")),
    (ClaimStatus.APPROVED, _l("Approved and paid")),
    (ClaimStatus.REJECTED, _l("Rejected")),
    (PaymentMethod.LOCAL_GIFT_CERTIFICATE, _l("Local gift certificates")),
    (PaymentMethod.BANK_TRANSFER, _l("Bank transfer")),
    (PaymentMethod.OTHER, _l("Other method")),
    (AllianceKind.COMPANY, _l("Company")),
    (AllianceKind.UNIVERSITY, _l("University")),
    (AllianceKind.ASSOCIATION, _l("Association")),
    (AllianceKind.RESEARCH_INSTITUTE, _l("Research institute")),
]


# Keyed by (enum class, member): StrEnum members equal their values, so EnrolmentStatus.COMPLETED
# and PlacementStatus.COMPLETED would otherwise be one key.
LABELS: dict[tuple[type, str], object] = {(type(m), m.value): text for m, text in _LABELS}


def label_for(value: enum.Enum | None) -> str:
    if value is None:
        return "–"
    return str(LABELS.get((type(value), value.value), value.value))
