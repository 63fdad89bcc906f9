"""The match on the web: upload → preview → apply with the coordinator's choices, scoped to the
campus (an official citywide), the kept file as an audited download, and hostile requests."""

import io

import sqlalchemy as sa

from academy.auth.passwords import hash_password
from academy.extensions import db
from academy.models import (
    AccessLog,
    InsuranceMatch,
    Role,
)
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in
from tests.outcomes.test_insurance_match import current_jobs, the_match, world  # noqa: F401


def check(client, data: bytes, name="hrd.xlsx"):
    posted = client.post(
        "/outcomes/match",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 303 and "?job=" in posted.headers["Location"], posted.data
    return client.get(posted.headers["Location"])


def token_in(html: str) -> str:
    return html.split('name="token" type="hidden" value="')[1].split('"')[0]


def signed_in(app, user):
    if user.password_hash is None:
        user.password_hash = hash_password(TEST_PASSWORD)
        db.session.commit()
    client = app.test_client()
    sign_in(client, user)
    return client


def test_coordinator_previews_then_applies_choosing_one_record(app, db, world):  # noqa: F811
    client = signed_in(app, world["coordinator"])

    preview = check(client, the_match())

    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "김하늘" in html and "가온랩" in html and "누리데이터" in html
    assert 'name="take" value="4"' in html  # the disagreeing report offers its choice
    assert "윤*울" in html  # the other campus's trainee is not found, and stays masked
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 0

    applied = client.post("/outcomes/match/apply", data={"token": token_in(html), "take": "4"})

    assert applied.status_code == 303
    done = client.get(applied.headers["Location"]).get_data(as_text=True)
    assert "적용" in done
    match = db.session.scalar(sa.select(InsuranceMatch))
    assert (match.verified, match.added, match.at_start) == (1, 2, 1)
    assert current_jobs(db, world["lee"])[1].employer == "누리데이터"
    # the token works once
    again = client.post(
        "/outcomes/match/apply", data={"token": token_in(html)}, follow_redirects=True
    )
    assert "다시 올려" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 1


def test_a_choice_that_is_not_a_conflict_is_refused(app, db, world):  # noqa: F811
    client = signed_in(app, world["coordinator"])
    html = check(client, the_match()).get_data(as_text=True)

    applied = client.post(
        "/outcomes/match/apply", data={"token": token_in(html), "take": "3"}, follow_redirects=True
    )

    assert "다시 올려" in applied.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 0


def test_another_persons_token_applies_nothing(app, db, world):  # noqa: F811
    html = check(signed_in(app, world["coordinator"]), the_match()).get_data(as_text=True)
    colleague = factories.UserFactory(role=Role.COORDINATOR, campus=world["campus"])
    db.session.commit()

    response = signed_in(app, colleague).post(
        "/outcomes/match/apply", data={"token": token_in(html)}
    )

    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(InsuranceMatch.id))) == 0


def test_a_bad_file_lists_its_problems_and_offers_no_apply(app, db, world):  # noqa: F811
    from tests.outcomes.test_insurance_match import match_row, xlsx

    data = xlsx([match_row("김하늘", "000517-3123456", "한빛", "220-81-62518", "2025-10-01")])
    html = check(signed_in(app, world["coordinator"]), data).get_data(as_text=True)

    assert "match/apply" not in html
    assert "검증 숫자가 맞지 않습니다" in html and "주민등록번호입니다" in html
    assert "3123456" not in html and "000517" not in html


def test_official_matches_citywide_and_a_coordinator_cannot_download_it(app, db, world):  # noqa: F811
    official = signed_in(app, world["official"])
    data = the_match()  # a workbook's bytes hold the moment it was saved
    html = check(official, data).get_data(as_text=True)
    assert "정*음" in html  # matched nobody citywide either
    official.post("/outcomes/match/apply", data={"token": token_in(html)})
    match = db.session.scalar(sa.select(InsuranceMatch))
    assert match.campus_id is None
    assert current_jobs(db, world["yoon_other"])[1].insurance_match_id == match.id

    url = f"/outcomes/matches/{match.id}/file"
    assert signed_in(app, world["coordinator"]).get(url).status_code == 404
    assert official.get(url).status_code == 200  # asks why first
    assert official.get(url).data != data
    download = official.get(f"{url}?reason=audit")
    assert download.status_code == 200 and download.data == data
    logged = db.session.scalars(
        sa.select(AccessLog).where(
            AccessLog.subject_type == "insurance_match", AccessLog.subject_id == match.id
        )
    ).all()
    assert {e.action.value for e in logged} >= {"create", "download"}


def test_trainees_and_instructors_cannot_reach_the_match(app, client, login_as, db):
    login_as(Role.TRAINEE)
    assert client.get("/outcomes/match").status_code == 403
    assert client.post("/outcomes/match/apply", data={"token": "x"}).status_code == 403


def test_the_dashboards_show_the_share_the_insurance_confirmed(app, db, world):  # noqa: F811
    from academy.outcomes.matching import apply_match

    apply_match(the_match(), world["coordinator"], world["campus"].id, "hrd.xlsx")
    official = signed_in(app, world["official"])

    city = official.get("/dashboard/?year=2025").get_data(as_text=True)
    row = city.split(world["campus"].name + "</a>")[1].split("</tr>")[0]
    # kim and choi confirmed by the match, seo by a certificate: 2 of 3
    assert 'data-kpi="insurance_confirmed_share">66.7%' in row
    campus = signed_in(app, world["coordinator"]).get(
        f"/dashboard/campus/{world['campus'].id}?year=2025"
    )
    html = campus.get_data(as_text=True)
    assert "고용보험 확인" in html
    assert 'data-kpi="insurance_confirmed_share">66.7%' in html
    assert 'data-kpi="employed_insurance_match">2<' in html
    methodology = official.get("/dashboard/methodology").get_data(as_text=True)
    assert "<dt>고용보험 확인</dt>" in methodology and "HRD-Net 공식 취업률의 근거" in methodology


def test_the_record_shows_which_match_verified_an_outcome(app, db, world):  # noqa: F811
    from academy.outcomes.matching import apply_match

    apply_match(the_match(), world["coordinator"], world["campus"].id, "2025_고용보험.xlsx")
    client = signed_in(app, world["coordinator"])

    page = client.get(f"/trainees/{world['kim'].trainee_id}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '고용보험 대조</span> <span class="muted small">2025_고용보험.xlsx' in html
    queue = client.get(f"/outcomes/campuses/{world['campus'].id}/queue").get_data(as_text=True)
    assert "2025_고용보험.xlsx" in queue and "/outcomes/matches/" in queue
