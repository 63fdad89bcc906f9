"""The Seoul AI Alliance, the advanced track and the development fund."""

from datetime import date

import sqlalchemy as sa

from academy.ecosystem.services import fund_balance, mask_name
from academy.models import (
    AccessLog,
    AdvancedTrackSelection,
    AllianceMember,
    DonationKind,
    EnrolmentStatus,
    FundDonation,
    Role,
    Scholarship,
)
from tests import factories


def test_names_are_masked():
    assert [mask_name(n) for n in ("홍길동", "남궁민수", "이준", "김")] == [
        "홍*동",
        "남**수",
        "이*",
        "김",
    ]


def test_an_official_adds_alliance_members_and_a_duplicate_is_refused(client, login_as, db):
    login_as(Role.OFFICIAL)
    data = {"name": "서울 AI 협회", "kind": "association", "joined_on": "2025-12-03"}
    assert client.post("/ecosystem/alliance?year=2025", data=data).status_code == 303
    again = client.post("/ecosystem/alliance?year=2025", data=data)
    assert again.status_code == 422 and "서울 AI 협회" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AllianceMember.id))) == 1
    page = client.get("/ecosystem/?year=2025").get_data(as_text=True)
    assert "서울 AI 협회" in page


def test_only_a_completer_is_selected_for_the_advanced_track(client, login_as, db):
    done = factories.EnrolmentFactory(status=EnrolmentStatus.COMPLETED)
    still = factories.EnrolmentFactory()
    db.session.commit()
    login_as(Role.OFFICIAL)
    form = {"selected_on": "2025-12-20", "programme": "AI대학원 석사과정"}
    refused = client.post(
        "/ecosystem/advanced-track?year=2025", data={**form, "email": still.trainee.email}
    )
    assert refused.status_code == 422
    ok = client.post(
        "/ecosystem/advanced-track?year=2025", data={**form, "email": done.trainee.email}
    )
    assert ok.status_code == 303
    twice = client.post(
        "/ecosystem/advanced-track?year=2025", data={**form, "email": done.trainee.email}
    )
    assert twice.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(AdvancedTrackSelection.id))) == 1
    page = client.get("/ecosystem/?year=2025").get_data(as_text=True)
    assert mask_name(done.trainee.name) in page and done.trainee.name not in page


def test_scholarships_go_to_vulnerable_trainees_within_the_funds_balance(client, login_as, db):
    vulnerable = factories.TraineeFactory(vulnerable=True)
    other = factories.TraineeFactory(vulnerable=False)
    db.session.add(
        FundDonation(
            donor="주식회사 기부",
            kind=DonationKind.MONEY,
            amount=1_000_000,
            received_on=date(2025, 12, 1),
        )
    )
    db.session.commit()
    login_as(Role.OFFICIAL)
    form = {"awarded_on": "2026-01-15", "reason": "취약계층 장학금"}
    assert (
        client.post(
            "/ecosystem/scholarships", data={**form, "email": other.email, "amount": "500000"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/ecosystem/scholarships", data={**form, "email": vulnerable.email, "amount": "1500000"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/ecosystem/scholarships", data={**form, "email": vulnerable.email, "amount": "600000"}
        ).status_code
        == 303
    )
    assert db.session.scalar(sa.select(sa.func.count(Scholarship.id))) == 1
    assert fund_balance() == 400_000


def test_donations_in_money_and_talent(client, login_as, db):
    login_as(Role.OFFICIAL)
    money = {
        "donor": "주식회사 가온",
        "kind": "money",
        "amount": "5000000",
        "received_on": "2025-12-10",
    }
    assert client.post("/ecosystem/donations", data=money).status_code == 303
    talent = {
        "donor": "라온 AI 연구소",
        "kind": "talent",
        "description": "실무 특강 40시간",
        "received_on": "2025-12-11",
    }
    assert client.post("/ecosystem/donations", data=talent).status_code == 303
    no_amount = {**money, "amount": ""}
    assert client.post("/ecosystem/donations", data=no_amount).status_code == 422
    page = client.get("/ecosystem/?year=2025").get_data(as_text=True)
    assert 'data-fund="balance">5,000,000' in page


def test_the_page_showing_people_is_on_the_access_log_with_everyone_it_named(client, login_as, db):
    """Issue 13: /ecosystem/ listed advanced-track graduates and scholarship holders without
    an access-log entry."""
    graduate = factories.EnrolmentFactory(status=EnrolmentStatus.COMPLETED).trainee
    holder = factories.TraineeFactory(vulnerable=True)
    db.session.add_all(
        [
            AdvancedTrackSelection(
                year=2025,
                trainee=graduate,
                selected_on=date(2025, 12, 20),
                programme="AI대학원 석사과정",
            ),
            FundDonation(
                donor="주식회사 기부",
                kind=DonationKind.MONEY,
                amount=1_000_000,
                received_on=date(2025, 12, 1),
            ),
            Scholarship(
                trainee=holder,
                amount=500_000,
                awarded_on=date(2026, 1, 15),
                reason="취약계층 장학금",
            ),
        ]
    )
    db.session.commit()
    official = login_as(Role.OFFICIAL)
    assert client.get("/ecosystem/?year=2025").status_code == 200
    entry = db.session.scalars(
        sa.select(AccessLog).where(AccessLog.subject_type == "ecosystem")
    ).one()
    assert entry.user_id == official.id
    assert f"{graduate.id}" in entry.detail and f"{holder.id}" in entry.detail
