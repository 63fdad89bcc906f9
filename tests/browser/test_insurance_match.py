"""A coordinator verifies outcomes from an employment-insurance match: upload → preview with a
disagreeing report beside the record → tick the record → apply → the queue lists the file.
Every page on the way is Korean, accessible and fits the screen."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from academy.clock import seoul_today
from tests.browser.conftest import (
    DEMO_LOGINS,
    DESKTOP,
    axe_violations,
    demo_app,
    demo_sign_in,
    describe_violations,
    serving,
)

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BIRTH = date(1999, 4, 4)
NEW_JOB, DISAGREES = "고보험", "다른말"


def _set_up_trainees() -> date:
    """Two completers of an ended cohort at the demo coordinator's campus: one who reported
    nothing, one who reported a job the insurance record contradicts. Returns the cohort's end."""
    from academy.extensions import db
    from academy.models import (
        Cohort,
        Enrolment,
        EnrolmentStatus,
        OutcomeCode,
        OutcomeRecord,
        Role,
        Trainee,
        User,
        Verification,
    )

    coordinator = db.session.scalar(sa.select(User).where(User.email == DEMO_LOGINS["coordinator"]))
    ended_before = seoul_today() - timedelta(days=30)
    cohort = db.session.scalar(
        sa.select(Cohort)
        .where(Cohort.campus_id == coordinator.campus_id, Cohort.ends_on < ended_before)
        .order_by(Cohort.ends_on.desc())
    )
    enrolments = {}
    for name, email in ((NEW_JOB, "match.new@example.com"), (DISAGREES, "match.other@example.com")):
        trainee = Trainee(
            user=User(email=email, name=name, role=Role.TRAINEE),
            birth_date=BIRTH,
            phone="010-0000-0419",
        )
        enrolments[name] = Enrolment(
            cohort=cohort,
            trainee=trainee,
            enrolled_on=cohort.starts_on,
            status=EnrolmentStatus.COMPLETED,
        )
        db.session.add(enrolments[name])
    db.session.flush()
    db.session.add(
        OutcomeRecord(
            enrolment_id=enrolments[DISAGREES].id,
            version=1,
            code=OutcomeCode.E1,
            employer="가온랩",
            starts_on=cohort.ends_on + timedelta(days=20),
            insured=True,
            verification=Verification.SELF_REPORTED,
        )
    )
    db.session.commit()
    return cohort.ends_on


@pytest.fixture(scope="module")
def ended():
    return {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, ended):
    from academy.extensions import db

    database = tmp_path_factory.mktemp("match-browser") / "academy.sqlite"
    app = demo_app(database)
    with app.app_context():
        ended["on"] = _set_up_trainees()
        db.session.remove()
    with serving(app, database) as url:
        yield url


def match_file(ends_on: date) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "성명",
            "생년월일",
            "사업장명",
            "사업자등록번호",
            "자격취득일",
            "자격상실일",
            "주소정근로시간",
            "월평균보수",
        ]
    )
    start = ends_on + timedelta(days=10)
    sheet.append([NEW_JOB, BIRTH, "한빛소프트", "220-81-62517", start, None, 40, 3_100_000])
    sheet.append([DISAGREES, BIRTH, "누리데이터", "120-81-12342", start, None, 40, 2_900_000])
    sheet.append(["없는사람", BIRTH, "어딘가", "220-81-62517", start])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"on {page.url}:\n" + describe_violations(violations)


@pytest.mark.parametrize("viewport", [DESKTOP], ids=str)
def test_coordinator_uploads_previews_chooses_and_applies_a_match(page, viewport, ended):
    demo_sign_in(page, DEMO_LOGINS["coordinator"])
    page.get_by_role("link", name="취업 결과 확인").first.click()
    page.get_by_role("link", name="고용보험 대조로 검증").click()
    assert page.locator("h1").inner_text() == "고용보험 대조로 취업 결과 검증"
    assert_accessible(page)

    page.set_input_files(
        "input[name='file']",
        files=[{"name": "고용보험_대조.xlsx", "mimeType": XLSX, "buffer": match_file(ended["on"])}],
    )
    with page.expect_navigation():
        page.get_by_role("button", name="파일 확인").click()
    preview = page.locator("#match-job")
    preview.get_by_text("대조로 바뀌는 것").wait_for()
    assert preview.locator("[data-count='add']").inner_text() == "1"
    assert preview.locator("[data-count='conflict']").inner_text() == "1"
    assert preview.locator("[data-count='not_applied']").inner_text() == "1"
    conflict = preview.locator("#match-row-3")
    assert "가온랩" in conflict.inner_text() and "누리데이터" in conflict.inner_text()
    assert "없**람" in preview.locator("#match-row-4").inner_text()
    assert_accessible(page)

    conflict.get_by_text("고용보험 기록으로 하기").click()
    assert conflict.locator("input[name='take']").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="대조 결과 적용").click()
    preview.get_by_text("적용 완료").wait_for()
    assert "결과 2건 추가" in preview.inner_text()

    page.get_by_role("link", name="취업 결과 확인").first.click()
    matches = page.locator("section:has(#matches-heading)")
    assert "고용보험_대조.xlsx" in matches.inner_text()
    assert_accessible(page)
