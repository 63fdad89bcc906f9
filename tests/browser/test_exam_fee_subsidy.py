"""A trainee applies for the exam-fee subsidy with a receipt on a phone; a coordinator approves it
on a desktop; the ledger shows the money approved and what is left.

The app is served as in the harness (tests/browser/conftest.py), with the demo data plus one
activated, unemployed trainee at the demo coordinator's campus; the demo, dated from the day it
is loaded, has this year's programme taking applications, whatever the date the suite runs on.
"""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from academy.auth.passwords import hash_password
from academy.clock import seoul_today
from tests.browser.conftest import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DESKTOP,
    PHONE,
    axe_violations,
    demo_app,
    demo_sign_in,
    describe_violations,
    has_horizontal_scroll,
    serving,
)
from tests.factories import EVIDENCE_PDF

pytestmark = pytest.mark.browser

APPLICANT = "subsidy.applicant@example.com"
RECEIPT = EVIDENCE_PDF
FEE = 50_000  # SQLD in the demo catalogue
LOGIN_FORM = "form:has(input[name='password'])"


def _set_up_applicant_and_programme() -> None:
    from academy.extensions import db
    from academy.models import (
        Cohort,
        Enrolment,
        EnrolmentStatus,
        Role,
        SubsidyProgramme,
        Trainee,
        User,
    )

    today = seoul_today()
    coordinator = db.session.scalar(sa.select(User).where(User.email == DEMO_LOGINS["coordinator"]))
    cohort = db.session.scalar(
        sa.select(Cohort).where(Cohort.campus_id == coordinator.campus_id).order_by(Cohort.id)
    )
    user = User(
        email=APPLICANT,
        name="한별빛",
        role=Role.TRAINEE,
        password_hash=hash_password(DEMO_PASSWORD),
    )
    trainee = Trainee(user=user, birth_date=date(today.year - 25, 3, 1), phone="010-0000-0425")
    db.session.add(
        Enrolment(
            cohort=cohort,
            trainee=trainee,
            enrolled_on=cohort.starts_on,
            status=EnrolmentStatus.COMPLETED,
        )
    )
    # The demo's programme of this year takes applications today: nothing to reopen.
    programme = db.session.scalar(
        sa.select(SubsidyProgramme).where(SubsidyProgramme.year == today.year)
    )
    assert programme.closed_early_on is None and programme.budget > programme.spent
    assert any(r.opens_on <= today <= r.closes_on for r in programme.rounds) or not programme.rounds
    db.session.commit()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The harness's live server, with the applicant and a programme open today added."""
    from academy.extensions import db

    database = tmp_path_factory.mktemp("subsidy-browser") / "academy.sqlite"
    app = demo_app(database)
    with app.app_context():
        _set_up_applicant_and_programme()
        db.session.remove()
    with serving(app, database) as url:
        yield url


def sign_in(page, email: str) -> None:
    demo_sign_in(page, email)


def won(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text))


def assert_accessible_on(page, viewport) -> None:
    violations = axe_violations(page)
    assert not violations, f"on {page.url}:\n" + describe_violations(violations)
    if viewport is PHONE:
        assert not has_horizontal_scroll(page), f"{page.url} is wider than the phone"


@pytest.mark.parametrize("viewport", [PHONE], ids=str)
def test_trainee_applies_on_a_phone_coordinator_approves_and_the_ledger_updates(
    page, viewport, browser, live_server
):
    # The trainee, on a phone: from "my record" to recording the exam, then applying.
    sign_in(page, APPLICANT)
    assert page.url.endswith("/trainees/me")
    page.get_by_role("link", name="응시료 지원 신청").first.click()
    assert page.locator("h1").inner_text() == "응시료 지원 신청"
    assert_accessible_on(page, viewport)
    page.get_by_role("link", name="시험 기록").first.click()
    page.get_by_label("자격증", exact=True).select_option(
        label="SQL 개발자 (SQLD) (한국데이터산업진흥원)"
    )
    page.get_by_label("시험일").fill(seoul_today().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="시험 기록").click()
    assert "응시 기록을 저장했습니다" in page.locator("main").inner_text()
    assert_accessible_on(page, viewport)

    page.get_by_role("link", name="응시료 지원 신청").first.click()
    page.get_by_label("응시료 영수증").set_input_files(
        files=[{"name": "영수증.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}]
    )
    page.get_by_text("신청일 현재 취업 상태가 아닙니다.").click()  # the label, as a thumb would
    assert page.get_by_label("신청일 현재 취업 상태가 아닙니다.").is_checked()
    assert_accessible_on(page, viewport)
    with page.expect_navigation():
        page.get_by_role("button", name="신청하기").click()
    main = page.locator("main").inner_text()
    assert "신청했습니다" in main and "접수" in main
    assert page.errors == []

    # The coordinator, on a desktop: the ledger before, the claim approved, the ledger after.
    desk = browser.new_context(
        base_url=live_server,
        viewport={"width": DESKTOP.width, "height": DESKTOP.height},
        locale="ko-KR",
        timezone_id="Asia/Seoul",
    )
    coordinator = desk.new_page()
    try:
        sign_in(coordinator, DEMO_LOGINS["coordinator"])
        coordinator.goto("/subsidies/")
        coordinator.get_by_role("link", name=str(seoul_today().year), exact=True).click()
        remaining_before = won(coordinator.locator("#ledger-remaining").inner_text())

        coordinator.get_by_role("link", name="심사할 신청").click()
        coordinator.get_by_role("link", name="한별빛").click()
        assert "요건을 충족합니다" in coordinator.locator("main").inner_text()
        assert coordinator.get_by_label("지급액(원)").input_value() == str(FEE)
        assert_accessible_on(coordinator, DESKTOP)
        with coordinator.expect_navigation():
            coordinator.get_by_role("button", name="승인", exact=True).click()
        assert "승인했습니다" in coordinator.locator("main").inner_text()

        coordinator.goto("/subsidies/")
        coordinator.get_by_role("link", name=str(seoul_today().year), exact=True).click()
        remaining_after = won(coordinator.locator("#ledger-remaining").inner_text())
        assert remaining_after == remaining_before - FEE
        assert_accessible_on(coordinator, DESKTOP)
    finally:
        desk.close()

    # The trainee sees the decision on the phone.
    page.goto("/subsidies/apply")
    assert "승인·지급 완료" in page.locator("main").inner_text()
