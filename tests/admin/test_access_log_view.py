"""The access log in words: Korean labels for what was touched and a readable detail."""

import re

import pytest

from academy import audit
from academy.admin.access_log_view import readable_detail
from academy.models import AccessAction, Role
from tests import factories


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            '{"page":"invitations","trainees":[3,5]}',
            ["화면: 계정 초대", "교육생 2명 표시(번호 3, 5)"],
        ),
        ('{"trainees":[]}', ["표시된 교육생 없음"]),
        (
            '{"filters":{"account":"kim","since":"2025-05-01"}}',
            ["검색 조건: 계정 kim, 시작일 2025-05-01"],
        ),
        (
            '{"campus_id":7,"email":"a@b.kr","role":"coordinator"}',
            ["캠퍼스 7번", "계정 a@b.kr", "역할: 캠퍼스 매니저"],
        ),
        ("approved 150000", ["승인: 150,000원"]),
        ("closed early", ["신청 조기 마감"]),
        (
            "closed SEOUL-01: 20 completed, 3 not completed, 2 early employment",
            ["SEOUL-01 기수 종료: 수료 20명, 미수료 3명, 조기취업 2명"],
        ),
        ("cohort SEOUL-01: waitlisted", ["SEOUL-01 기수: 대기"]),
        ("version 2: E1", ["2번째 버전: E1 취업(정규직, 고용보험 가입)"]),
        ("two-factor sign-in turned on", ["2단계 인증 설정"]),
        ("something a future writer says", ["something a future writer says"]),
        ('{"page": "attendance"', ['{"page": "attendance"']),  # not JSON: shown as written
        (None, []),
    ],
)
def test_each_stored_detail_reads_as_korean(app, stored, shown):
    with app.test_request_context():
        assert readable_detail(stored) == shown


def test_a_long_list_of_trainees_is_cut_short(app):
    with app.test_request_context():
        (text,) = readable_detail('{"trainees":[' + ",".join(map(str, range(1, 31))) + "]}")
    assert text == "교육생 30명 표시(번호 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 외 20명)"


def test_the_admin_reads_labels_not_table_names_or_json(client, login_as, db):
    cohort = factories.CohortFactory(code="JONGNO-2026-01")
    enrolments = factories.EnrolmentFactory.create_batch(2, cohort=cohort)
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=cohort.campus)
    db.session.add(
        audit.entry(
            AccessAction.VIEW,
            subject=cohort,
            by=coordinator,
            detail={"page": "attendance"},
            trainee_ids=[e.trainee_id for e in enrolments],
        )
    )
    db.session.commit()
    login_as(Role.ADMIN)
    html = client.get("/admin/access-log").get_data(as_text=True)
    row = next(r for r in html.split("<tr>") if coordinator.email in r)
    assert "(캠퍼스 매니저)" in row  # the role in words, not "coordinator"
    assert f"기수 {cohort.id}번" in row and "cohort #" not in row
    assert "화면: 출결부" in row and "교육생 2명 표시" in row
    # The stored JSON stays available, folded, for whoever must compare it with the hash.
    shown = re.sub(r"<details.*?</details>", "", row, flags=re.S)
    assert "{&#34;page" not in shown and '{"page' not in shown
    assert "기록 원문" in row
    # Reading the log was itself logged, and reads back as words too.
    again = client.get("/admin/access-log").get_data(as_text=True)
    assert "접속기록 " in again and "검색 조건: 전체" in again


def test_english_readers_get_english_labels(client, login_as, db):
    cohort = factories.CohortFactory()
    db.session.add(audit.entry(AccessAction.VIEW, subject=cohort, detail={"page": "close"}))
    db.session.commit()
    login_as(Role.ADMIN)
    client.post("/language", data={"locale": "en"})
    html = client.get("/admin/access-log").get_data(as_text=True)
    assert f"Cohort no. {cohort.id}" in html and "Page: closing the cohort" in html
