"""Translated names of the domain's enums, in one place for pages, exports and the CLI, and the
glossary of the KPI terms that the methodology page prints."""

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from academy.kpi.definitions import Maturity
from academy.kpi.targets import TargetSource
from academy.models import (
    AccessAction,
    AllianceKind,
    AssignmentRole,
    CampusKind,
    CareerField,
    CertificationKind,
    ClaimStatus,
    ContactChannel,
    ContactResult,
    DonationKind,
    EnrolmentStatus,
    EvidenceKind,
    ExamResult,
    ExclusionReason,
    InternshipProgramme,
    KpiSetting,
    Level,
    Mark,
    OutcomeCode,
    PaymentMethod,
    PlacementStatus,
    ReportFormat,
    Role,
    TargetMetric,
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
    (EnrolmentStatus.ENROLLED, _l("Registered")),
    (EnrolmentStatus.WAITLISTED, _l("Waitlisted")),
    (EnrolmentStatus.WITHDRAWN, _l("Withdrawn")),
    (EnrolmentStatus.COMPLETED, _l("Completed")),
    (EnrolmentStatus.NOT_COMPLETED, _l("Did not complete")),
    (EnrolmentStatus.EARLY_EMPLOYED, _l("Early employment")),
    (EnrolmentStatus.CANCELLED, _l("Cancelled")),
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
    (ContactChannel.PHONE, _l("Phone call")),
    (ContactChannel.EMAIL, _l("E-mail")),
    (ContactChannel.TEXT, _l("Text message")),
    (ContactChannel.IN_PERSON, _l("In person")),
    (ContactResult.REACHED, _l("Reached")),
    (ContactResult.NO_ANSWER, _l("No answer")),
    (ContactResult.LEFT_MESSAGE, _l("Left a message")),
    (ContactResult.WRONG_CONTACT, _l("Wrong number or address")),
    (ContactResult.SENT, _l("Sent")),
    (ContactResult.FAILED, _l("Could not be sent")),
    (EvidenceKind.EMPLOYMENT_CERTIFICATE, _l("Certificate of employment")),
    (EvidenceKind.INSURANCE_CERTIFICATE, _l("Social insurance enrolment certificate")),
    (EvidenceKind.BUSINESS_REGISTRATION, _l("Business registration certificate")),
    (EvidenceKind.CONTRACT, _l("Employment contract")),
    (EvidenceKind.INSURANCE_MATCH, _l("Employment-insurance match (HRD-Net)")),
    (EvidenceKind.OTHER, _l("Other document")),
    (CareerField.AI, _l("AI")),
    (CareerField.SOFTWARE, _l("Software")),
    (CareerField.OTHER, _l("Other field")),
    (AssignmentRole.LEAD, _l("Lead instructor")),
    (AssignmentRole.ASSISTANT, _l("Assistant instructor")),
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
    (Maturity.IN_TRAINING, _l("In training")),
    (Maturity.IN_WINDOW, _l("Provisional (in the 180-day window)")),
    (Maturity.FINAL, _l("Final")),
    (TargetMetric.TRAINEES, _l("Trainees")),
    (TargetMetric.BIGTECH_CAMPUSES, _l("Global big-tech campuses")),
    (TargetMetric.ALLIANCE_MEMBERS, _l("Seoul AI Alliance members")),
    (TargetMetric.ADVANCED_TRACK, _l("Advanced-track graduates")),
    (TargetSource.SOURCE, _l("City announcement")),
    (TargetSource.OFFICIAL, _l("Set by an official")),
    (TargetSource.INTERPOLATED, _l("Interpolated")),
    (TargetSource.NONE, _l("No target")),
    (KpiSetting.TRAINEES, _l("Trainee target")),
    (KpiSetting.BIGTECH_CAMPUSES, _l("Big-tech campus target")),
    (KpiSetting.ALLIANCE_MEMBERS, _l("Alliance member target")),
    (KpiSetting.ADVANCED_TRACK, _l("Advanced-track target")),
    (KpiSetting.PAY_FLOOR, _l("Monthly pay floor")),
    (KpiSetting.MIN_WEEKLY_HOURS, _l("Minimum weekly hours")),
    (KpiSetting.MIN_CONTRACT_MONTHS, _l("Minimum fixed-term contract (months)")),
    (ReportFormat.PDF, _l("PDF")),
    (ReportFormat.XLSX, _l("Excel")),
    (DonationKind.MONEY, _l("Money")),
    (DonationKind.TALENT, _l("Talent donation")),
    (AccessAction.VIEW, _l("Viewed")),
    (AccessAction.CREATE, _l("Created")),
    (AccessAction.UPDATE, _l("Changed")),
    (AccessAction.DELETE, _l("Deleted")),
    (AccessAction.PRINT, _l("Printed")),
    (AccessAction.EXPORT, _l("Exported")),
    (AccessAction.DOWNLOAD, _l("Downloaded")),
    (AccessAction.LOGIN, _l("Signed in")),
    (AccessAction.LOGIN_FAILED, _l("Sign-in failed")),
    (AccessAction.LOGOUT, _l("Signed out")),
    (AccessAction.ROLE_GRANT, _l("Access granted")),
    (AccessAction.ROLE_REVOKE, _l("Access revoked")),
    (AccessAction.PURGE, _l("Purged past retention")),
]


# Keyed by (enum class, member): StrEnum members equal their values, so EnrolmentStatus.COMPLETED
# and PlacementStatus.COMPLETED would otherwise be one key.
LABELS: dict[tuple[type, str], object] = {(type(m), m.value): text for m, text in _LABELS}


def label_for(value: enum.Enum | None) -> str:
    if value is None:
        return "–"
    return str(LABELS.get((type(value), value.value), value.value))


@dataclass(frozen=True)
class GlossaryTerm:
    """A KPI term: `term` is the very msgid the pages, reports and exports use for it, so the
    glossary and the figures can never name a thing two ways; `korean` is the official Korean
    term, which the Korean translation of `term` must be (tests/test_labels.py checks it)."""

    term: object
    korean: str
    definition: object


# One glossary for every KPI term (domain.md, "KPIs"); the methodology page prints it.
GLOSSARY: list[GlossaryTerm] = [
    GlossaryTerm(
        _l("Enrolled"),
        "등록 인원",
        _l(
            "Everyone who took a place on a cohort's roster: those on it at the start and late "
            "joiners, including those who later left. Not the waitlist, not cancelled places. The "
            "denominator of the completion rate; it does not mean that they are still in training."
        ),
    ),
    GlossaryTerm(
        _l("Registered"),
        "등록",
        _l(
            "A person's status while they hold a place and the cohort has not been closed: before "
            "the start, during training, and after the end until the coordinator closes the cohort."
        ),
    ),
    GlossaryTerm(
        _l("Waitlisted"), "대기", _l("Waiting for a place: never started, counted nowhere.")
    ),
    GlossaryTerm(
        _l("Cancelled"),
        "취소",
        _l(
            "A place cancelled before the start or within the course's grace days after it (3 by "
            "default): the person never really joined, leaves the enrolled count and every rate, "
            "and is shown on a line of their own."
        ),
    ),
    GlossaryTerm(
        _l("Completers"),
        "수료자",
        _l(
            "Those who met the attendance rule when the cohort was closed (80% by default, per "
            "course), and those who left early for a job."
        ),
    ),
    GlossaryTerm(
        _l("Did not complete"),
        "미수료",
        _l("On the roster at the close but below the attendance rule. Enrolled, not a completer."),
    ),
    GlossaryTerm(
        _l("Withdrawn"),
        "중도 탈락",
        _l("Left the cohort after the grace days, not for a job. Stays enrolled, not a completer."),
    ),
    GlossaryTerm(
        _l("Non-completers"),
        "미수료자",
        _l(
            "Those who did not complete and those who withdrew. Their jobs are recorded and shown "
            "on their own line (미수료자 취업), counted in no headline rate."
        ),
    ),
    GlossaryTerm(
        _l("Early employment"),
        "조기취업",
        _l("Left before the end for a job: a completer for outcome purposes, on its own line."),
    ),
    GlossaryTerm(
        _l("Excluded"),
        "산정 제외",
        _l(
            "A verified X outcome (further study, military service, illness of 3 weeks or more, "
            "emigration): leaves the denominator, unless a verified job started in the window."
        ),
    ),
    GlossaryTerm(
        _l("Employed when the cohort started"),
        "재직자",
        _l(
            "Completers recorded as already employed when the cohort started (재직여부): they "
            "leave the denominator."
        ),
    ),
    GlossaryTerm(
        _l("Outcome unknown"),
        "결과 미확인",
        _l("In the denominator with no outcome, or a U, and no job in the window."),
    ),
    GlossaryTerm(
        _l("Job history"),
        "취업 이력",
        _l(
            "Each job a person reports is kept with its own start date, terms, evidence and "
            "verification; a later job never replaces an earlier one. A correction of a job (the "
            "same employer) is a new version of that job."
        ),
    ),
    GlossaryTerm(
        _l("Provisional"),
        "잠정",
        _l("Figures of cohorts still in training or within 180 days of their end: not final."),
    ),
    GlossaryTerm(
        _l("Final"),
        "확정",
        _l("Figures of cohorts that ended 180 days or more before the as-of date."),
    ),
    GlossaryTerm(
        _l("Figures as of"),
        "기준일",
        _l("The day the figures describe: today or an earlier day, never a day still to come."),
    ),
]
