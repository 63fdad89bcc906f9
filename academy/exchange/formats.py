"""The three exchange formats of domain.md: headers in Korean, English aliases, in any order."""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from academy.exchange import cells


@dataclass(frozen=True)
class Column:
    key: str  # the English alias, also the key of the parsed value
    header: str  # the Korean header written in templates
    parse: Callable[[object], object]
    required: bool
    description: object  # translatable help for the template's guide sheet
    example: str = ""
    aliases: tuple[str, ...] = ()  # other headers coordinators and HRD-Net exports use


@dataclass(frozen=True)
class Format:
    name: str
    title: object
    columns: tuple[Column, ...]
    key: str  # the column that identifies a row's person
    # Two rows for the same person: "refuse" lists the later one as a problem (a roster names
    # each person once), "allow" keeps both (attendance has a row per session), "replace" keeps
    # the later one and marks the earlier one replaced (outcome lists are updated by appending).
    duplicates: str = "refuse"

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


EMAIL_ALIASES = ("이메일주소", "메일", "전자우편", "e-mail", "email address", "로그인 ID")

ROSTER = Format(
    name="roster",
    title=_l("Roster"),
    key="email",
    columns=(
        Column(
            "name",
            "이름",
            cells.parse_name,
            True,
            _l("Full name"),
            "홍길동",
            ("성명", "성함", "교육생명", "훈련생명", "훈련생", "교육생", "full name"),
        ),
        Column(
            "birth_date",
            "생년월일",
            cells.parse_date,
            True,
            _l("Date of birth"),
            "2000-05-17",
            ("생일", "출생일", "출생년월일", "date of birth", "birthday"),
        ),
        Column(
            "email",
            "이메일",
            cells.parse_email,
            True,
            _l("The trainee's e-mail: their login, and what identifies them"),
            "gildong.hong@example.com",
            EMAIL_ALIASES,
        ),
        Column(
            "phone",
            "휴대전화",
            cells.parse_phone,
            False,
            _l("Mobile phone"),
            "010-1234-5678",
            (
                "휴대폰",
                "핸드폰",
                "휴대전화번호",
                "휴대폰번호",
                "핸드폰번호",
                "연락처",
                "전화번호",
                "mobile",
                "phone number",
            ),
        ),
        Column(
            "vulnerable",
            "취약계층",
            cells.parse_yes_no,
            False,
            _l("From a vulnerable group (Y/N)"),
            "N",
            ("취약계층여부", "취약계층 해당"),
        ),
        Column(
            "employed_at_start",
            "재직여부",
            cells.parse_yes_no,
            False,
            _l("Already employed when the cohort starts (Y/N)"),
            "N",
            ("재직", "재직중", "재직 여부(Y/N)"),
        ),
    ),
)

ATTENDANCE = Format(
    name="attendance",
    title=_l("Attendance"),
    key="email",
    duplicates="allow",
    columns=(
        Column(
            "email",
            "이메일",
            cells.parse_email,
            True,
            _l("A trainee on the cohort's roster"),
            "gildong.hong@example.com",
            EMAIL_ALIASES,
        ),
        Column(
            "date",
            "날짜",
            cells.parse_date,
            True,
            _l("A scheduled session date of the cohort"),
            "2025-03-10",
            ("일자", "출결일", "출결일자", "훈련일", "훈련일자", "수업일", "교육일"),
        ),
        Column(
            "mark",
            "출결",
            cells.text,
            True,
            _l("출석/지각/조퇴/결석/공가 or present/late/early_leave/absent/excused"),
            "출석",
            ("출결상태", "출결구분", "출석여부", "출석상태"),
        ),
    ),
)

OUTCOMES = Format(
    name="outcomes",
    title=_l("Job outcomes"),
    key="email",
    duplicates="replace",
    columns=(
        Column(
            "email",
            "이메일",
            cells.parse_email,
            True,
            _l("A trainee"),
            "gildong.hong@example.com",
            EMAIL_ALIASES,
        ),
        Column(
            "code",
            "결과",
            cells.text,
            True,
            _l("E1…E6, S1, S2, X, U, or their Korean labels"),
            "E1",
        ),
        Column(
            "start_date",
            "시작일",
            cells.parse_date,
            False,
            _l("Date the job or company started (required for E codes)"),
            "2025-09-01",
        ),
        Column(
            "employer",
            "기관명",
            cells.text,
            False,
            _l("Employer or company name (required for E codes)"),
            "주식회사 예시",
        ),
        Column(
            "insured",
            "고용보험",
            cells.parse_yes_no,
            False,
            _l("Covered by employment insurance (Y/N)"),
            "Y",
        ),
        Column(
            "weekly_hours",
            "주당근로시간",
            cells.parse_whole_number,
            False,
            _l("Hours a week"),
            "40",
        ),
        Column(
            "contract_months",
            "계약기간(개월)",
            cells.parse_whole_number,
            False,
            _l("Contract length in months; blank means open-ended"),
            "",
        ),
        Column(
            "in_field",
            "분야일치",
            cells.parse_yes_no,
            False,
            _l("In the field of the course (Y/N)"),
            "Y",
        ),
        Column(
            "monthly_pay",
            "월기본급",
            cells.parse_whole_number,
            False,
            _l("Monthly base pay in whole won"),
            "2800000",
        ),
        Column(
            "exclusion_reason",
            "제외사유",
            cells.text,
            False,
            _l("For X: 진학/군입대/질병/이민"),
            "",
        ),
        Column(
            "verified",
            "검증",
            cells.parse_yes_no,
            False,
            _l("Y when checked against evidence, e.g. an employment-insurance match"),
            "Y",
        ),
    ),
)

# HRD-Net's employment-insurance match (고용보험 피보험자격 취득 내역): one row per insured job.
# The person is found by name and birth date; identical rows are refused by the match itself.
INSURANCE_MATCH = Format(
    name="insurance_match",
    title=_l("Employment-insurance match"),
    key="name",
    duplicates="allow",
    columns=(
        Column(
            "name",
            "성명",
            cells.parse_name,
            True,
            _l("Full name"),
            "홍길동",
            ("이름", "성함", "피보험자명", "근로자명", "교육생명", "훈련생명", "full name"),
        ),
        Column(
            "birth_date",
            "생년월일",
            cells.parse_date,
            True,
            _l("Date of birth"),
            "2000-05-17",
            ("생일", "출생일", "출생년월일", "date of birth", "birthday"),
        ),
        Column(
            "employer",
            "사업장명",
            cells.text,
            True,
            _l("The insured workplace"),
            "주식회사 예시",
            ("사업장", "사업장명칭", "사업체명", "회사명", "employer name"),
        ),
        Column(
            "business_number",
            "사업자등록번호",
            cells.parse_business_number,
            True,
            _l("The employer's business registration number: 10 digits"),
            "220-81-62517",
            ("사업자번호", "사업자 등록번호", "business registration number"),
        ),
        Column(
            "acquired_on",
            "자격취득일",
            cells.parse_date,
            True,
            _l("Date the insurance was acquired: the job's start"),
            "2025-09-01",
            ("취득일", "취득일자", "피보험자격취득일", "고용보험취득일", "acquired"),
        ),
        Column(
            "lost_on",
            "자격상실일",
            cells.parse_date,
            False,
            _l("Date the insurance was lost; blank while still insured"),
            "",
            ("상실일", "상실일자", "피보험자격상실일", "고용보험상실일", "lost"),
        ),
        Column(
            "weekly_hours",
            "주소정근로시간",
            cells.parse_whole_number,
            False,
            _l("Contracted hours a week"),
            "40",
            ("소정근로시간", "주당소정근로시간", "주당근로시간"),
        ),
        Column(
            "monthly_pay",
            "월평균보수",
            cells.parse_whole_number,
            False,
            _l("Average monthly pay in whole won"),
            "2800000",
            ("보수월액", "월평균보수액", "월보수"),
        ),
        Column(
            "occupation",
            "직종",
            cells.text,
            False,
            _l("Occupation"),
            "응용 소프트웨어 개발자",
            ("직종명", "직종코드"),
        ),
        Column(
            "fixed_term",
            "계약직여부",
            cells.parse_yes_no,
            False,
            _l("Fixed-term contract (Y/N), when known"),
            "N",
            ("계약직", "기간제", "기간제여부", "fixed term"),
        ),
    ),
)

FORMATS = {f.name: f for f in (ROSTER, ATTENDANCE, OUTCOMES, INSURANCE_MATCH)}
