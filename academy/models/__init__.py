"""The domain model, one module per domain; import models from here."""

from academy.models.accounts import Role, User
from academy.models.activation import ActivationToken, LinkPurpose
from academy.models.api_tokens import ApiToken
from academy.models.audit import AccessAction, AccessLog, AccessLogAnchor, AccessLogCheckpoint
from academy.models.base import utcnow
from academy.models.campuses import (
    SEOUL_DISTRICTS,
    Campus,
    CampusKind,
    Classroom,
    Tier,
    tier_for_area,
)
from academy.models.certifications import (
    Certification,
    CertificationKind,
    ExamAttempt,
    ExamResult,
    MockExam,
)
from academy.models.cohorts import (
    NEVER_STARTED,
    NON_COMPLETERS,
    AttendanceMark,
    ClassSession,
    Cohort,
    Course,
    Enrolment,
    EnrolmentStatus,
    Level,
    Mark,
)
from academy.models.ecosystem import (
    AdvancedTrackSelection,
    AllianceKind,
    AllianceMember,
    DonationKind,
    FundDonation,
    Scholarship,
    TargetMetric,
    YearlyTarget,
)
from academy.models.instructors import (
    AssignmentRole,
    CareerField,
    CareerPeriod,
    Instructor,
    InstructorAssignment,
    InstructorCampus,
)
from academy.models.internships import (
    HostOrganisation,
    InternshipOpening,
    InternshipPlacement,
    InternshipProgramme,
    PlacementStatus,
)
from academy.models.jobs import Job, JobState
from academy.models.kpi_facts import CohortKpiFacts
from academy.models.outcomes import (
    CONTRACT_MONTHS,
    MONTHLY_PAY,
    WEEKLY_HOURS,
    ContactAttempt,
    ContactChannel,
    ContactResult,
    EvidenceKind,
    ExclusionReason,
    InsuranceMatch,
    OutcomeCode,
    OutcomeEvidence,
    OutcomeRecord,
    Verification,
)
from academy.models.reporting import (
    ArchivedReport,
    KpiSetting,
    KpiSettingChange,
    QualityRule,
    ReportFormat,
)
from academy.models.subsidies import (
    ClaimStatus,
    PaymentMethod,
    SubsidyClaim,
    SubsidyProgramme,
    SubsidyRound,
)
from academy.models.trainees import Trainee, age_on
from academy.models.two_factor import RecoveryCode

__all__ = [name for name in dir() if not name.startswith("_")]
