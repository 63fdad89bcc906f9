import io
import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from academy.clock import seoul_today
from academy.models import AccessAction, AccessLog, ClaimStatus, Role, SubsidyClaim
from academy.parameters import MIN_YEAR
from tests import factories
from tests.conftest import count_rows
from tests.subsidies.conftest import PDF
from tests.test_query_counts import queries_for


@pytest.fixture
def this_year(db, world):
    """A programme for this year that takes applications today (rounds from 2026)."""
    today = seoul_today()
    programme = factories.SubsidyProgrammeFactory(year=today.year, budget=1_000_000)
    if today.year >= 2026:
        factories.SubsidyRoundFactory(
            programme=programme, half=1, opens_on=date(today.year, 1, 1), closes_on=today
        )
    db.session.commit()
    return programme


def application(attempt_id, **overrides):
    data = {
        "attempt_id": attempt_id,
        "amount": "",
        "not_employed": "y",
        "receipt": (io.BytesIO(PDF), "영수증.pdf"),
    }
    data.update(overrides)
    return data


def sign_in_trainee(login_as, world):
    user = login_as(Role.TRAINEE)
    factories.EnrolmentFactory(cohort=world.cohort, trainee=user.trainee)
    return user


def test_trainee_applies_with_a_receipt_and_sees_the_claim(client, login_as, db, world, this_year):
    user = sign_in_trainee(login_as, world)
    attempt = world.attempt(user.trainee, sat_on=seoul_today())
    db.session.commit()
    page = client.get(f"/subsidies/apply?attempt={attempt.id}").get_data(as_text=True)
    assert "응시료 지원 신청" in page and "신청하기" in page

    response = client.post(
        "/subsidies/apply", data=application(attempt.id), content_type="multipart/form-data"
    )
    assert response.status_code == 303
    claim = db.session.scalar(sa.select(SubsidyClaim))
    assert (claim.trainee_id, claim.amount_requested, claim.campus_id) == (
        user.trainee.id,
        attempt.fee_paid,
        world.campus.id,
    )
    html = client.get("/subsidies/apply").get_data(as_text=True)
    assert "캠퍼스 매니저가 심사합니다" in html
    assert (
        f"{attempt.certification.name}</strong> · {this_year.year} · 신청액 50,000원 · 접수" in html
    )


def test_an_ineligible_trainee_is_told_why_and_nothing_is_kept(
    client, login_as, db, world, this_year
):
    user = sign_in_trainee(login_as, world)
    user.trainee.birth_date = date(seoul_today().year - 45, 1, 1)
    db.session.commit()
    page = client.get("/subsidies/apply").get_data(as_text=True)
    assert "지금은 신청할 수 없습니다" in page and "만 45세" in page and "신청하기" not in page

    attempt = world.attempt(user.trainee, sat_on=seoul_today())
    db.session.commit()
    response = client.post(
        "/subsidies/apply", data=application(attempt.id), content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert count_rows(SubsidyClaim) == 0


def test_the_receipt_and_the_declaration_are_required(client, login_as, db, world, this_year):
    user = sign_in_trainee(login_as, world)
    attempt = world.attempt(user.trainee, sat_on=seoul_today())
    db.session.commit()
    no_receipt = application(attempt.id)
    del no_receipt["receipt"]
    response = client.post("/subsidies/apply", data=no_receipt)
    assert response.status_code == 422 and "영수증을 첨부하세요" in response.get_data(as_text=True)
    undeclared = application(attempt.id)
    del undeclared["not_employed"]
    response = client.post("/subsidies/apply", data=undeclared, content_type="multipart/form-data")
    assert response.status_code == 422 and "미취업 상태임을 확인" in response.get_data(as_text=True)
    too_much = application(attempt.id, amount=str(attempt.fee_paid + 1))
    response = client.post("/subsidies/apply", data=too_much, content_type="multipart/form-data")
    assert response.status_code == 422
    assert count_rows(SubsidyClaim) == 0


def test_an_early_closed_programme_says_so_and_refuses(client, login_as, db, world, this_year):
    this_year.closed_early_on = seoul_today()
    user = sign_in_trainee(login_as, world)
    attempt = world.attempt(user.trainee, sat_on=seoul_today())
    db.session.commit()
    page = client.get("/subsidies/apply").get_data(as_text=True)
    assert "조기 마감" in page
    response = client.post(
        "/subsidies/apply", data=application(attempt.id), content_type="multipart/form-data"
    )
    assert response.status_code == 422 and count_rows(SubsidyClaim) == 0


def test_coordinator_approves_and_the_ledger_shows_it(client, login_as, db, world):
    claim = world.claim(amount=70_000)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=world.campus)
    queue = client.get("/subsidies/claims").get_data(as_text=True)
    assert claim.trainee.name in queue
    detail = client.get(f"/subsidies/claims/{claim.id}").get_data(as_text=True)
    assert "최대 70,000원" in detail
    response = client.post(
        f"/subsidies/claims/{claim.id}/approve",
        data={
            "amount": "70000",
            "paid_on": seoul_today().isoformat(),
            "payment_method": "local_gift_certificate",
        },
    )
    assert response.status_code == 303
    ledger = client.get(f"/subsidies/programmes/{world.programme.id}").get_data(as_text=True)
    assert "930,000원" in ledger  # remaining
    log = db.session.scalar(
        sa.select(AccessLog).where(
            AccessLog.action == AccessAction.VIEW, AccessLog.subject_type == "subsidy_claim"
        )
    )
    assert log.subject_id == claim.id


def test_a_double_click_on_approve_pays_once(client, login_as, db, world):
    claim = world.claim(amount=70_000)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=world.campus)
    data = {
        "amount": "70000",
        "paid_on": seoul_today().isoformat(),
        "payment_method": "local_gift_certificate",
    }
    first = client.post(f"/subsidies/claims/{claim.id}/approve", data=data)
    second = client.post(f"/subsidies/claims/{claim.id}/approve", data=data)
    assert first.status_code == second.status_code == 303
    assert "이미 처리된 신청" in client.get(second.headers["Location"]).get_data(as_text=True)
    db.session.refresh(world.programme)
    assert world.programme.spent == 70_000


def test_approving_past_the_budget_shows_what_is_left(client, login_as, db, world):
    world.programme.spent = 990_000
    claim = world.claim(amount=50_000)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=world.campus)
    response = client.post(
        f"/subsidies/claims/{claim.id}/approve",
        data={
            "amount": "50000",
            "paid_on": seoul_today().isoformat(),
            "payment_method": "local_gift_certificate",
        },
    )
    assert response.status_code == 422
    assert "예산 잔액이 10,000원으로 승인하려는 50,000원보다" in response.get_data(as_text=True)


def test_rejection_needs_a_reason_the_trainee_then_reads(client, login_as, db, world):
    claim = world.claim()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=world.campus)
    refused = client.post(f"/subsidies/claims/{claim.id}/reject", data={"reason": ""})
    assert refused.status_code == 422
    # The refusal comes back to the reject form, which sits below the fold of a desktop
    # window: reloaded at the top, the page showed nothing of the missing reason.
    page = refused.get_data(as_text=True)
    assert f'action="/subsidies/claims/{claim.id}/reject#reject"' in page
    assert re.search(r'<section [^>]*id="reject"', page)
    response = client.post(
        f"/subsidies/claims/{claim.id}/reject", data={"reason": "영수증의 응시자 이름이 다릅니다."}
    )
    assert response.status_code == 303
    db.session.refresh(claim)
    assert claim.status == ClaimStatus.REJECTED


def test_coordinator_reaches_only_their_campus_claims(client, login_as, db, world):
    claim = world.claim()
    db.session.commit()
    login_as(Role.COORDINATOR)
    assert client.get(f"/subsidies/claims/{claim.id}").status_code == 404
    assert client.post(f"/subsidies/claims/{claim.id}/approve", data={}).status_code == 404
    assert claim.trainee.name not in client.get("/subsidies/claims").get_data(as_text=True)


def test_a_trainee_downloads_only_their_own_receipt(app, client, login_as, db, world):
    user = sign_in_trainee(login_as, world)
    mine = world.claim(user.trainee, receipt_path=None)
    other = world.claim()
    db.session.commit()
    from academy.uploads import store_upload
    from tests.subsidies.conftest import receipt

    with app.app_context():
        stored = store_upload(receipt())
    for claim in (mine, other):
        claim.receipt_path, claim.receipt_name = stored.stored_name, "영수증.pdf"
    db.session.commit()
    own = client.get(f"/subsidies/claims/{mine.id}/receipt")
    assert own.status_code == 200 and own.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/subsidies/claims/{other.id}/receipt").status_code == 404


def test_official_sets_up_a_programme_with_its_two_rounds(client, login_as, db):
    login_as(Role.OFFICIAL)
    form = client.get("/subsidies/programmes/new?year=2027").get_data(as_text=True)
    assert 'value="200000"' in form and 'value="19"' in form and 'value="39"' in form
    data = {
        "year": "2027",
        "name": "2027년 응시료 지원",
        "budget": "200000000",
        "per_person_cap": "200000",
        "min_age": "19",
        "max_age": "39",
        "unemployed_only": "y",
        "exclude_prior_year_recipients": "y",
        "payment_method": "local_gift_certificate",
        "first_opens_on": "2027-02-01",
        "first_closes_on": "2027-06-30",
        "second_opens_on": "",
        "second_closes_on": "",
    }
    missing_round = client.post("/subsidies/programmes/new", data=data)
    assert missing_round.status_code == 422
    assert "상·하반기 신청 기간을 모두" in missing_round.get_data(as_text=True)
    data.update(second_opens_on="2027-07-01", second_closes_on="2027-11-30")
    response = client.post("/subsidies/programmes/new", data=data)
    assert response.status_code == 303
    ledger = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "200,000,000원" in ledger and "2027년 응시료 지원" in ledger


def test_official_closes_applications_early(client, login_as, db, world):
    login_as(Role.OFFICIAL)
    response = client.post(f"/subsidies/programmes/{world.programme.id}/close")
    assert response.status_code == 303
    db.session.refresh(world.programme)
    assert world.programme.closed_early_on == seoul_today()
    assert "조기 마감" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_ledger_is_a_full_page_a_fragment_and_an_excel_file(client, login_as, db, world):
    world.claim(status=ClaimStatus.APPROVED, amount_approved=50_000, paid_on=seoul_today())
    world.programme.spent = 50_000
    db.session.commit()
    login_as(Role.OFFICIAL)
    url = f"/subsidies/programmes/{world.programme.id}"
    assert "<html" in client.get(url).get_data(as_text=True)
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "950,000원" in fragment
    export = client.get(f"{url}/ledger.xlsx?reason=reporting")  # personal data: a reason
    assert export.status_code == 200 and export.headers["Content-Disposition"].startswith("attach")
    book = load_workbook(io.BytesIO(export.data))
    assert book["요약"]["B5"].value == 50_000  # approved


def test_claim_list_is_a_full_page_and_a_fragment(client, login_as, db, world):
    world.claim()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=world.campus)
    assert "<html" in client.get("/subsidies/claims").get_data(as_text=True)
    fragment = client.get("/subsidies/claims?status=all", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_claims_and_ledger_do_not_grow_with_the_claims(client, login_as, db, world):
    world.claim(status=ClaimStatus.APPROVED, amount_approved=50_000, paid_on=seoul_today())
    world.claim()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=world.campus)
    urls = [
        "/subsidies/claims?status=all",
        f"/subsidies/programmes/{world.programme.id}",
        "/subsidies/",
    ]
    small = [queries_for(client, url) for url in urls]
    for _ in range(8):
        world.claim(status=ClaimStatus.APPROVED, amount_approved=50_000, paid_on=seoul_today())
        world.claim()
    db.session.commit()
    assert [queries_for(client, url) for url in urls] == small


def year_options(html: str) -> list[str]:
    picker = re.search(r'<select[^>]*name="year".*?</select>', html, re.S).group(0)
    return re.findall(r'<option[^>]*value="(\d+)"', picker)


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.COORDINATOR])
def test_programmes_page_shows_recent_years_and_steps_back_to_older_ones(
    client, login_as, db, role
):
    today = seoul_today()
    recent = [factories.SubsidyProgrammeFactory(year=y) for y in (today.year, today.year - 1)]
    old = factories.SubsidyProgrammeFactory(year=today.year - 3)
    db.session.commit()
    login_as(role)

    page = client.get("/subsidies/").get_data(as_text=True)
    for programme in recent:
        assert f'href="/subsidies/programmes/{programme.id}"' in page
    assert f"/subsidies/programmes/{old.id}" not in page
    assert f"{today.year - 1}년 이후의 사업입니다." in page

    steps = 0
    while f"/subsidies/programmes/{old.id}" not in page:
        step = re.search(r'href="(/subsidies/\?year=\d+)"', page)
        assert step, "no step back a year before the old programme shows"
        page, steps = client.get(unescape(step.group(1))).get_data(as_text=True), steps + 1
    assert steps == 2
    assert f"{old.year}년 사업입니다." in page and 'href="/subsidies/"' in page
    assert f"/subsidies/programmes/{recent[0].id}" not in page
    assert client.get(f"/subsidies/programmes/{old.id}").status_code == 200

    fragment = client.get(f"/subsidies/?year={old.year}", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and f"/subsidies/programmes/{old.id}" in html
    nothing = client.get(f"/subsidies/?year={today.year - 2}").get_data(as_text=True)
    assert f"{today.year - 2}년에는 만들어진 사업이 없습니다." in nothing
    first = client.get(f"/subsidies/?year={MIN_YEAR}").get_data(as_text=True)
    assert f"year={MIN_YEAR - 1}" not in first


def test_claim_queue_offers_recent_years_and_the_year_an_old_ledger_asks_for(
    client, login_as, db, world
):
    today = seoul_today()
    factories.SubsidyProgrammeFactory(year=today.year)
    old = factories.SubsidyProgrammeFactory(year=today.year - 4)
    trainee = world.trainee()
    claim = factories.SubsidyClaimFactory(
        programme=old,
        trainee=trainee,
        exam_attempt=world.attempt(trainee),
        campus=world.campus,
        status=ClaimStatus.APPROVED,
        amount_approved=50_000,
    )
    db.session.commit()
    login_as(Role.COORDINATOR, campus=world.campus)

    queue = client.get("/subsidies/claims").get_data(as_text=True)
    assert str(old.year) not in year_options(queue)
    assert str(today.year) in year_options(queue)

    ledger = client.get(f"/subsidies/programmes/{old.id}").get_data(as_text=True)
    link = re.search(r'href="(/subsidies/claims\?year=\d+)"', ledger).group(1)
    asked = client.get(unescape(link) + "&status=all").get_data(as_text=True)
    assert str(old.year) in year_options(asked)
    assert f'<option selected value="{old.year}">' in asked  # chosen in the picker
    assert f"/subsidies/claims/{claim.id}" in asked
