"""The outcome pages as their users meet them: the trainee's form on the record page, evidence
uploads, the coordinator's queue, follow-up and import, and who may reach what."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from academy.auth.passwords import hash_password
from academy.clock import seoul_today
from academy.models import (
    AccessAction,
    AccessLog,
    ContactAttempt,
    ContactResult,
    EnrolmentStatus,
    OutcomeCode,
    OutcomeRecord,
    Role,
    Verification,
)
from tests import factories
from tests.conftest import TEST_PASSWORD, sign_in
from tests.factories import EVIDENCE_PDF, photo

HTMX = {"HX-Request": "true"}
JPEG = photo("JPEG")


def completed_enrolment(trainee=None, campus=None, ended_days_ago=60):
    ends_on = seoul_today() - timedelta(days=ended_days_ago)
    cohort = factories.CohortFactory(
        campus=campus or factories.CampusFactory(),
        starts_on=ends_on - timedelta(weeks=20),
        ends_on=ends_on,
    )
    extra = {"trainee": trainee} if trainee is not None else {}
    return factories.EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.COMPLETED, **extra)


def job_form(enrolment, **overrides):
    p = f"e{enrolment.id}-"
    data = {
        p + "situation": "employed",
        p + "employer": "주식회사 새솔데이터",
        p + "starts_on": "2025-09-01",
        p + "job_kind": "open_ended",
        p + "insured": "yes",
        p + "weekly_hours": "40",
        p + "in_field": "yes",
        p + "monthly_pay": "3,100,000",
    }
    data.update({p + k: v for k, v in overrides.items()})
    return data


def records(db):
    return db.session.scalars(sa.select(OutcomeRecord).order_by(OutcomeRecord.id)).all()


@pytest.fixture
def trainee(login_as, db):
    user = login_as(Role.TRAINEE)
    enrolment = completed_enrolment(user.trainee)
    db.session.commit()
    return enrolment


def test_my_record_asks_for_the_outcome_in_plain_korean(client, trainee):
    html = client.get("/trainees/me").get_data(as_text=True)

    for answer in (
        "취업했어요",
        "창업했어요",
        "아직 구직 중이에요",
        "진학·군입대 등",
        "구직하지 않아요",
    ):
        assert answer in html
    assert f'action="/outcomes/enrolments/{trainee.id}/report"' in html
    assert 'enctype="multipart/form-data"' in html
    # Codes are for staff, not in the trainee's question (tags dropped: a nonce may hold "E1").
    assert "E1" not in re.sub(r"<[^>]*>", " ", html)


def test_choosing_an_answer_fetches_only_its_questions(client, trainee):
    url = f"/outcomes/enrolments/{trainee.id}/report"

    job = client.get(url, query_string={f"e{trainee.id}-situation": "employed"}, headers=HTMX)
    founded = client.get(url, query_string={f"e{trainee.id}-situation": "founded"}, headers=HTMX)
    seeking = client.get(url, query_string={f"e{trainee.id}-situation": "seeking"}, headers=HTMX)

    job_html = job.get_data(as_text=True)
    assert "<html" not in job_html  # the fragment only
    assert f'name="e{trainee.id}-weekly_hours"' in job_html
    assert f'name="e{trainee.id}-monthly_pay"' in job_html and "최저임금" in job_html
    founded_html = founded.get_data(as_text=True)
    assert "사업자등록일" in founded_html and "weekly_hours" not in founded_html
    seeking_html = seeking.get_data(as_text=True)
    assert "employer" not in seeking_html and "evidence" not in seeking_html
    full = client.get(url, query_string={"situation": "employed"})
    assert "<html" in full.get_data(as_text=True) and "weekly_hours" in full.get_data(as_text=True)


def test_without_javascript_continue_shows_the_questions(client, trainee):
    response = client.post(
        f"/outcomes/enrolments/{trainee.id}/report",
        data={f"e{trainee.id}-situation": "excluded", "step": "choose"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "군 복무" in html and f'name="e{trainee.id}-exclusion_reason"' in html


def test_a_trainee_logs_a_job_with_evidence(client, trainee, db):
    data = job_form(trainee)
    data[f"e{trainee.id}-evidence"] = (io.BytesIO(EVIDENCE_PDF), "재직증명서.pdf")

    response = client.post(
        f"/outcomes/enrolments/{trainee.id}/report", data=data, content_type="multipart/form-data"
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"/trainees/me#outcome-{trainee.id}"
    (record,) = records(db)
    assert (record.code, record.version, record.monthly_pay) == (OutcomeCode.E1, 1, 3_100_000)
    assert record.verification == Verification.EVIDENCE_ATTACHED
    assert record.evidence[0].original_name == "재직증명서.pdf"
    page = client.get("/trainees/me").get_data(as_text=True)
    assert "주식회사 새솔데이터" in page and "증빙 첨부" in page and "재직증명서.pdf" in page


def test_missing_answers_come_back_with_the_data_and_a_kept_file(client, trainee, db):
    data = job_form(trainee, weekly_hours="", insured="")
    data[f"e{trainee.id}-evidence"] = (io.BytesIO(EVIDENCE_PDF), "재직증명서.pdf")

    response = client.post(
        f"/outcomes/enrolments/{trainee.id}/report", data=data, content_type="multipart/form-data"
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "질문에 답해 주세요" in html
    assert 'value="주식회사 새솔데이터"' in html  # nothing typed is lost
    assert "재직증명서.pdf" in html  # the file waits for the corrected form
    assert records(db) == []
    token = html.split(f'name="e{trainee.id}-kept_file" type="hidden" value="')[1].split('"')[0]
    fixed = job_form(trainee, **{"kept_file": token, "kept_name": "재직증명서.pdf"})
    again = client.post(f"/outcomes/enrolments/{trainee.id}/report", data=fixed)
    assert again.status_code == 303
    (record,) = records(db)
    assert record.evidence[0].original_name == "재직증명서.pdf"


def test_evidence_type_is_read_from_the_content(client, trainee, db):
    data = job_form(trainee)
    data[f"e{trainee.id}-evidence"] = (io.BytesIO(b"<html><script>x</script></html>"), "a.pdf")

    response = client.post(
        f"/outcomes/enrolments/{trainee.id}/report", data=data, content_type="multipart/form-data"
    )

    assert response.status_code == 422
    assert "PDF" in response.get_data(as_text=True)
    assert records(db) == []
    photo = job_form(trainee)
    photo[f"e{trainee.id}-evidence"] = (io.BytesIO(JPEG), "scan.pdf")
    client.post(
        f"/outcomes/enrolments/{trainee.id}/report", data=photo, content_type="multipart/form-data"
    )
    assert records(db)[0].evidence[0].content_type == "image/jpeg"


def test_evidence_larger_than_the_limit_is_refused(app, client, trainee, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_EVIDENCE_BYTES", 1024)
    data = job_form(trainee)
    data[f"e{trainee.id}-evidence"] = (io.BytesIO(EVIDENCE_PDF + b"0" * 2048), "big.pdf")

    response = client.post(
        f"/outcomes/enrolments/{trainee.id}/report", data=data, content_type="multipart/form-data"
    )

    assert response.status_code == 422
    assert "1 KB보다 큽니다" in response.get_data(as_text=True)
    assert records(db) == []


def test_a_sent_back_outcome_shows_the_reason_and_the_form_to_correct_it(client, trainee, db):
    coordinator = factories.UserFactory(role=Role.COORDINATOR, campus=trainee.cohort.campus)
    factories.OutcomeRecordFactory(
        enrolment=trainee,
        version=1,
        verification=Verification.RETURNED,
        returned_reason="입사일이 보이지 않습니다",
        returned_by=coordinator,
        returned_at=seoul_today(),
    )
    db.session.commit()

    html = client.get("/trainees/me").get_data(as_text=True)

    assert "입사일이 보이지 않습니다" in html and "보완 요청" in html
    assert '<details class="outcome-update" open>' in html
    assert 'value="주식회사 한빛에이아이"' in html  # the form starts from the current answer


def test_a_trainee_cannot_reach_another_trainees_outcome_or_evidence(client, trainee, db):
    other = completed_enrolment(campus=trainee.cohort.campus)
    evidence = factories.OutcomeEvidenceFactory(outcome__enrolment=other)
    db.session.commit()

    assert client.get(f"/outcomes/enrolments/{other.id}/report").status_code == 404
    posted = client.post(f"/outcomes/enrolments/{other.id}/report", data=job_form(other))
    assert posted.status_code == 404
    assert client.get(f"/outcomes/evidence/{evidence.id}").status_code == 404
    assert client.get(f"/trainees/{other.trainee_id}").status_code == 403
    assert [r.enrolment_id for r in records(db)] == [other.id]  # nothing added
    assert client.post(f"/outcomes/records/{evidence.outcome_id}/verify").status_code == 403


def test_the_trainee_downloads_their_own_evidence_as_an_attachment(client, trainee, db):
    evidence = factories.OutcomeEvidenceFactory(outcome__enrolment=trainee)
    db.session.commit()

    response = client.get(f"/outcomes/evidence/{evidence.id}")

    assert response.status_code == 200
    assert response.data == EVIDENCE_PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    log = db.session.scalar(sa.select(AccessLog).where(AccessLog.action == AccessAction.DOWNLOAD))
    assert (log.subject_type, log.subject_id) == ("outcome_evidence", evidence.id)


def test_a_coordinator_reaches_only_their_campus(client, login_as, db):
    campus = factories.CampusFactory()
    own = completed_enrolment(campus=campus)
    other = completed_enrolment()
    own_file = factories.OutcomeEvidenceFactory(outcome__enrolment=own)
    other_file = factories.OutcomeEvidenceFactory(outcome__enrolment=other)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=campus)

    assert client.get(f"/outcomes/evidence/{own_file.id}").status_code == 200
    assert client.get(f"/outcomes/evidence/{other_file.id}").status_code == 404
    assert client.get(f"/outcomes/enrolments/{other.id}/report").status_code == 404
    assert client.get(f"/outcomes/enrolments/{other.id}/contacts").status_code == 404
    other_campus = other.cohort.campus_id
    for page in ("queue", "follow-up", "import"):
        assert client.get(f"/outcomes/campuses/{other_campus}/{page}").status_code == 404
    assert client.post(f"/outcomes/records/{other_file.outcome_id}/verify").status_code == 404
    assert (
        client.post(
            f"/outcomes/records/{other_file.outcome_id}/send-back", data={"reason": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/outcomes/campuses/{other_campus}/reminders", data={"everyone": "1"}
        ).status_code
        == 404
    )
    assert db.session.get(OutcomeRecord, other_file.outcome_id).verification == (
        Verification.EVIDENCE_ATTACHED
    )


@pytest.fixture
def coordinator(login_as, db):
    campus = factories.CampusFactory()
    return login_as(Role.COORDINATOR, campus=campus)


def test_the_queue_shows_evidence_and_the_coordinator_verifies(client, coordinator, db):
    enrolment = completed_enrolment(campus=coordinator.campus)
    evidence = factories.OutcomeEvidenceFactory(outcome__enrolment=enrolment)
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/queue"

    page = client.get(url).get_data(as_text=True)
    fragment = client.get(url, query_string={"cohort": enrolment.cohort_id}, headers=HTMX)

    assert enrolment.trainee.user.name in page and f"/outcomes/evidence/{evidence.id}" in page
    assert f"/outcomes/records/{evidence.outcome_id}/verify" in page
    assert "<html" not in fragment.get_data(as_text=True)
    assert enrolment.trainee.user.name in fragment.get_data(as_text=True)
    response = client.post(f"/outcomes/records/{evidence.outcome_id}/verify")
    assert response.status_code == 303
    assert "확인 완료" in client.get(response.headers["Location"]).get_data(as_text=True)
    record = db.session.get(OutcomeRecord, evidence.outcome_id)
    assert record.verification == Verification.VERIFIED
    assert record.verified_by_id == coordinator.id
    # Gone from the queue: its verify action (a random name may also be the coordinator's own).
    after = client.get(url).get_data(as_text=True)
    assert f"/outcomes/records/{evidence.outcome_id}/verify" not in after


def test_sending_back_without_a_reason_keeps_the_coordinator_on_the_queue(client, coordinator, db):
    enrolment = completed_enrolment(campus=coordinator.campus)
    evidence = factories.OutcomeEvidenceFactory(outcome__enrolment=enrolment)
    db.session.commit()

    refused = client.post(
        f"/outcomes/records/{evidence.outcome_id}/send-back", data={"reason": "  "}
    )
    sent = client.post(
        f"/outcomes/records/{evidence.outcome_id}/send-back",
        data={"reason": "회사 직인이 보이게 다시 찍어 주세요"},
    )

    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="reason-{evidence.outcome_id}-error"' in page
    # The refusal lands on the record with its error, not on the top of a long queue where the
    # button seemed to have done nothing.
    record_id = evidence.outcome_id
    assert f'action="/outcomes/records/{record_id}/send-back#record-{record_id}"' in page
    assert sent.status_code == 303
    record = db.session.get(OutcomeRecord, evidence.outcome_id)
    assert record.verification == Verification.RETURNED
    assert record.returned_reason == "회사 직인이 보이게 다시 찍어 주세요"


def test_a_job_without_evidence_is_not_verified_from_the_queue(client, coordinator, db):
    enrolment = completed_enrolment(campus=coordinator.campus)
    record = factories.OutcomeRecordFactory(enrolment=enrolment)
    db.session.commit()

    response = client.post(f"/outcomes/records/{record.id}/verify", follow_redirects=True)

    assert "증빙" in response.get_data(as_text=True)
    assert db.session.get(OutcomeRecord, record.id).verification == Verification.SELF_REPORTED


def test_the_coordinator_records_an_outcome_on_the_trainees_page(client, coordinator, db):
    enrolment = completed_enrolment(campus=coordinator.campus)
    db.session.commit()
    p = f"e{enrolment.id}-"

    response = client.post(
        f"/outcomes/enrolments/{enrolment.id}/report", data={p + "situation": "not_seeking"}
    )

    assert response.headers["Location"] == (
        f"/trainees/{enrolment.trainee_id}#outcome-{enrolment.id}"
    )
    (record,) = records(db)
    assert (record.code, record.reported_by_id) == (OutcomeCode.S2, coordinator.id)
    html = client.get(f"/trainees/{enrolment.trainee_id}").get_data(as_text=True)
    assert "버전 1" in html and coordinator.name in html


def test_follow_up_page_and_contact_attempts(client, coordinator, db):
    unknown = completed_enrolment(campus=coordinator.campus, ended_days_ago=100)
    known = completed_enrolment(campus=coordinator.campus, ended_days_ago=100)
    factories.OutcomeRecordFactory(enrolment=known)
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/follow-up"

    page = client.get(url).get_data(as_text=True)
    fragment = client.get(url, query_string={"window": "closed"}, headers=HTMX)

    assert unknown.trainee.user.name in page and known.trainee.user.name not in page
    assert "80일" in page  # days left in the 180-day window
    assert unknown.trainee.user.name not in fragment.get_data(as_text=True)
    contacts = f"/outcomes/enrolments/{unknown.id}/contacts"
    assert unknown.trainee.phone in client.get(contacts).get_data(as_text=True)
    today = seoul_today()
    saved = client.post(
        contacts,
        data={
            "channel": "phone",
            "result": "no_answer",
            "on": today.isoformat(),
            "note": "오후에 다시",
        },
    )
    assert saved.status_code == 303
    later = (today + timedelta(days=3)).isoformat()
    future = client.post(contacts, data={"channel": "phone", "result": "reached", "on": later})
    assert future.status_code == 422
    (attempt,) = db.session.scalars(sa.select(ContactAttempt)).all()
    assert (attempt.result, attempt.note, attempt.by_id) == (
        ContactResult.NO_ANSWER,
        "오후에 다시",
        coordinator.id,
    )
    assert "받지 않음" in client.get(url).get_data(as_text=True)


def test_follow_up_leaves_out_older_cohorts_unless_one_is_chosen_by_its_link(
    client, coordinator, db
):
    """Past the follow-up period a cohort is history: neither its unknown completers nor the
    cohort itself fill the list and its filter, but a link naming the cohort still shows it."""
    recent = completed_enrolment(campus=coordinator.campus, ended_days_ago=400)
    old = completed_enrolment(campus=coordinator.campus, ended_days_ago=2000)
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/follow-up"

    page = client.get(url).get_data(as_text=True)
    chosen = client.get(url, query_string={"cohort": old.cohort_id}).get_data(as_text=True)

    assert recent.trainee.user.name in page and recent.cohort.code in page
    assert old.trainee.user.name not in page and old.cohort.code not in page
    assert old.trainee.user.name in chosen and recent.trainee.user.name not in chosen
    assert f'<option selected value="{old.cohort_id}">' in chosen


def test_reminders_in_development_are_logged_shown_and_kept_as_contacts(client, coordinator, db):
    first = completed_enrolment(campus=coordinator.campus, ended_days_ago=100)
    second = completed_enrolment(campus=coordinator.campus, ended_days_ago=150)
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/reminders"

    none = client.post(url, data={"window": "open"}, follow_redirects=True)
    response = client.post(url, data={"enrolment_ids": [first.id], "window": "open"})

    assert "한 명 이상" in none.get_data(as_text=True)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/activate/" in page  # not activated yet: the reminder carries an activation link
    attempts = db.session.scalars(sa.select(ContactAttempt)).all()
    assert [(a.enrolment_id, a.result) for a in attempts] == [(first.id, ContactResult.SENT)]
    client.post(url, data={"everyone": "1", "window": "open"})
    assert {a.enrolment_id for a in db.session.scalars(sa.select(ContactAttempt))} == {
        first.id,
        second.id,
    }


def check_file(client, url, data: bytes, name: str = "hrd.xlsx"):
    """Upload an outcome file: the request answers with the check's job; the page it names
    shows the preview the job made."""
    posted = client.post(
        url, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert posted.status_code == 303 and "?job=" in posted.headers["Location"]
    return client.get(posted.headers["Location"])


def token_in(html: str) -> str:
    return html.split('name="token" type="hidden" value="')[1].split('"')[0]


def outcome_file(rows) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["이메일", "결과", "시작일", "기관명", "고용보험", "검증"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_preview_then_commit(client, coordinator, db):
    enrolment = completed_enrolment(campus=coordinator.campus)
    db.session.commit()
    email = enrolment.trainee.user.email
    url = f"/outcomes/campuses/{coordinator.campus_id}/import"
    data = outcome_file([[email, "E1", "2025-09-01", "한빛소프트", "Y", "Y"]])

    preview = check_file(client, url, data)

    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert enrolment.trainee.user.name in html and "새 버전" in html
    assert enrolment.cohort.code in html and "한빛소프트" in html
    assert records(db) == []  # nothing before the commit
    # The row is marked verified, but the coordinator enters it: the preview says who verifies.
    assert "확인 대기로 기록" in html and "다른 매니저나 시 담당자가 확인합니다" in html
    token = token_in(html)
    committed = client.post(f"{url}/commit", data={"token": token})
    assert committed.status_code == 303
    (record,) = records(db)
    assert record.reported_by_id == coordinator.id and record.verified_by_id is None
    assert record.verification == Verification.SELF_REPORTED
    # It waits in the queue, where the coordinator who entered it cannot verify it either.
    queue = client.get(f"/outcomes/campuses/{coordinator.campus_id}/queue")
    assert enrolment.trainee.user.name in queue.get_data(as_text=True)
    refused = client.post(f"/outcomes/records/{record.id}/verify", follow_redirects=True)
    assert "직접 입력한 결과나 증빙입니다" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OutcomeRecord, record.id).verification == Verification.SELF_REPORTED
    again = client.post(f"{url}/commit", data={"token": token}, follow_redirects=True)
    assert "다시 올려" in again.get_data(as_text=True)  # a token works once
    assert len(records(db)) == 1


def test_import_with_bad_rows_shows_them_and_offers_the_marked_copy(client, coordinator, db):
    url = f"/outcomes/campuses/{coordinator.campus_id}/import"
    data = outcome_file([["ghost@example.com", "E7", None, None, None, None]])

    preview = check_file(client, url, data, "bad.xlsx")

    html = preview.get_data(as_text=True)
    assert "import/commit" not in html and 'name="token"' not in html  # nothing to commit
    assert "캠퍼스의 교육생이 아닙니다" in html and "E7" in html
    (link,) = [href for href in re.findall(r'href="([^"]+)"', html) if "problems.xlsx" in href]
    copy = client.get(link)
    assert copy.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(copy.data)).active
    assert "결과" in sheet.cell(row=2, column=7).value
    assert records(db) == []


def test_a_staged_import_is_tied_to_the_user_who_uploaded_it(app, client, coordinator, db):
    enrolment = completed_enrolment(campus=coordinator.campus)
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/import"
    data = outcome_file([[enrolment.trainee.user.email, "S1", None, None, None, None]])
    token = token_in(check_file(client, url, data, "a.xlsx").get_data(as_text=True))

    colleague = factories.UserFactory(
        role=Role.COORDINATOR, campus=coordinator.campus, password_hash=coordinator.password_hash
    )
    db.session.commit()
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(other, colleague)
    response = other.post(f"{url}/commit", data={"token": token}, follow_redirects=True)

    assert "다시 올려" in response.get_data(as_text=True)
    assert other.get(f"{url}/{token}/problems.xlsx").status_code == 404
    assert records(db) == []


def test_an_unreadable_upload_is_refused_in_the_users_language(client, coordinator, db):
    from academy.models import Job, JobState

    url = f"/outcomes/campuses/{coordinator.campus_id}/import"
    page = check_file(client, url, b"\x00\x01 not a spreadsheet", "empty.xlsx")
    job = db.session.scalars(sa.select(Job)).one()
    assert (job.kind, job.state) == ("outcome_check", JobState.FAILED)
    html = page.get_data(as_text=True)
    assert "notice--danger" in html and job.message in html
    assert "Something went wrong" not in job.message and "문제가 생겼" not in job.message
    assert 'name="token"' not in html


def test_the_template_reads_back_as_an_outcome_file(client, coordinator):
    response = client.get("/outcomes/import/template.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(row=1, column=1).value == "이메일"


def test_the_contact_page_is_in_the_access_log_with_the_person_it_shows(client, coordinator, db):
    import sqlalchemy as sa

    from academy.models import AccessAction, AccessLog

    enrolment = completed_enrolment(campus=coordinator.campus)
    db.session.commit()
    page = client.get(f"/outcomes/enrolments/{enrolment.id}/contacts")
    assert page.status_code == 200 and enrolment.trainee.phone in page.get_data(as_text=True)
    logged = db.session.scalars(
        sa.select(AccessLog).where(AccessLog.action == AccessAction.VIEW)
    ).all()
    assert [(e.trainee_id, e.user_id, e.detail) for e in logged] == [
        (enrolment.trainee_id, coordinator.id, '{"page":"contacts"}')
    ]


def test_a_sole_coordinators_own_entry_goes_to_an_official_and_the_queue_says_so(
    app, client, coordinator, db
):
    """Four eyes (issue 13): the coordinator who entered an outcome and its evidence finds no
    Verify button and a raw POST refused; a city official verifies it from the same queue."""
    enrolment = completed_enrolment(campus=coordinator.campus)
    evidence = factories.OutcomeEvidenceFactory(
        outcome__enrolment=enrolment,
        outcome__reported_by_id=coordinator.id,
        uploaded_by_id=coordinator.id,
    )
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/queue"
    page = client.get(url).get_data(as_text=True)
    assert f"/outcomes/records/{evidence.outcome_id}/verify" not in page
    assert "시 담당자" in page  # one coordinator here: an official verifies, the page says
    client.post(f"/outcomes/records/{evidence.outcome_id}/verify")
    record = db.session.get(OutcomeRecord, evidence.outcome_id)
    db.session.refresh(record)
    assert record.verification == Verification.EVIDENCE_ATTACHED

    official = app.test_client()
    user = factories.UserFactory(role=Role.OFFICIAL, password_hash=hash_password(TEST_PASSWORD))
    db.session.commit()
    sign_in(official, user)
    page = official.get(url).get_data(as_text=True)
    assert f"/outcomes/records/{evidence.outcome_id}/verify" in page
    assert official.post(f"/outcomes/records/{evidence.outcome_id}/verify").status_code == 303
    db.session.refresh(record)
    assert record.verification == Verification.VERIFIED and record.verified_by_id == user.id


def test_the_commit_runs_as_a_job_and_the_page_shows_what_it_saved(client, coordinator, db):
    from academy.models import Job, JobState

    enrolment = completed_enrolment(campus=coordinator.campus)
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/import"
    email = enrolment.trainee.user.email
    data = outcome_file([[email, "E1", "2025-09-01", "한빛소프트", "Y", "Y"]])
    token = token_in(check_file(client, url, data).get_data(as_text=True))
    committed = client.post(f"{url}/commit", data={"token": token})
    job = db.session.scalars(sa.select(Job).where(Job.kind == "outcome_import")).one()
    assert committed.headers["Location"].endswith(f"?job={job.id}")
    assert (job.kind, job.state, job.owner_id) == ("outcome_import", JobState.DONE, coordinator.id)
    page = client.get(committed.headers["Location"]).get_data(as_text=True)
    assert "notice--success" in page and "hrd.xlsx" in page
    fragment = client.get(committed.headers["Location"], headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "notice--success" in fragment.get_data(as_text=True)


def test_a_commit_whose_data_changed_since_the_preview_fails_and_saves_nothing(
    client, coordinator, db
):
    from academy.models import Enrolment, Job, JobState

    enrolment = completed_enrolment(campus=coordinator.campus)
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/import"
    email = enrolment.trainee.user.email
    data = outcome_file([[email, "E1", "2025-09-01", "한빛소프트", "Y", "Y"]])
    token = token_in(check_file(client, url, data).get_data(as_text=True))
    db.session.delete(db.session.get(Enrolment, enrolment.id))  # gone since the preview
    db.session.commit()
    committed = client.post(f"{url}/commit", data={"token": token})
    job = db.session.scalars(sa.select(Job).where(Job.kind == "outcome_import")).one()
    assert job.state == JobState.FAILED and "다시" in job.message
    assert "notice--danger" in client.get(committed.headers["Location"]).get_data(as_text=True)
    assert records(db) == []


def test_another_persons_job_id_shows_nothing_on_the_import_page(app, client, coordinator, db):
    from academy.models import Job, JobState

    other = factories.UserFactory(role=Role.COORDINATOR, campus=coordinator.campus)
    db.session.flush()
    job = Job(
        kind="outcome_import",
        owner_id=other.id,
        params={},
        time_limit_seconds=60,
        state=JobState.FAILED,
        message="비밀 메시지",
    )
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/outcomes/campuses/{coordinator.campus_id}/import?job={job.id}")
    assert page.status_code == 200 and "비밀 메시지" not in page.get_data(as_text=True)


def test_reminders_still_sending_are_announced_and_their_result_shown_once_done(
    client, coordinator, db
):
    from academy.models import Job, JobState

    url = f"/outcomes/campuses/{coordinator.campus_id}/follow-up"
    sending = Job(
        kind="follow_up_reminders",
        owner_id=coordinator.id,
        params={},
        time_limit_seconds=600,
        state=JobState.QUEUED,
    )
    result = {"sent": 2, "logged": 0, "failed": ["김민수"], "shown_links": []}
    done = Job(
        kind="follow_up_reminders",
        owner_id=coordinator.id,
        params={},
        time_limit_seconds=600,
        state=JobState.DONE,
        result=result,
    )
    db.session.add_all([sending, done])
    db.session.commit()
    page = client.get(f"{url}?reminders={sending.id}").get_data(as_text=True)
    assert "알림 메일을 보내는 중" in page
    finished = client.get(f"{url}?reminders={done.id}")
    assert finished.status_code == 303 and "reminders=" not in finished.headers["Location"]
    shown = client.get(finished.headers["Location"]).get_data(as_text=True)
    assert "2명" in shown or "2" in shown
    assert "김민수" in shown


@pytest.fixture
def queue_held(app):
    """The app's real queue (its SQLite file) with no worker taking jobs: what is queued waits
    until the test runs it as the worker would."""
    from academy.jobs import queue

    app.config.update(QUEUE_IMMEDIATE=False)
    queue.configure(app)
    yield queue.huey
    app.config.update(QUEUE_IMMEDIATE=True)
    queue.configure(app)


def test_the_check_runs_on_the_queue_and_the_preview_comes_from_its_result(
    app, client, coordinator, db, queue_held
):
    import json

    from academy.jobs import services as jobs
    from academy.models import Job, JobState

    enrolment = completed_enrolment(campus=coordinator.campus)
    db.session.commit()
    url = f"/outcomes/campuses/{coordinator.campus_id}/import"
    email = enrolment.trainee.user.email
    data = outcome_file([[email, "E1", "2025-09-01", "한빛소프트", "Y", "Y"]])
    posted = client.post(
        url, data={"file": (io.BytesIO(data), "hrd.xlsx")}, content_type="multipart/form-data"
    )
    assert posted.status_code == 303
    job = db.session.scalars(sa.select(Job)).one()
    assert posted.headers["Location"].endswith(f"?job={job.id}")
    assert (job.kind, job.state, job.result) == ("outcome_check", JobState.QUEUED, None)
    assert queue_held.pending_count() == 1  # handed to the queue, not run by the request

    waiting = client.get(posted.headers["Location"], headers={"HX-Request": "true"})
    html = waiting.get_data(as_text=True)
    assert "<html" not in html and 'hx-trigger="every 1s"' in html
    assert 'name="token"' not in html and enrolment.trainee.user.name not in html

    task = queue_held.dequeue()
    queue_held.execute(task)  # as the worker does
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == JobState.DONE
    assert job.result["counts"]["new"] == 1 and job.result["file"] == "hrd.xlsx"
    # The result names people by enrolment id: no name or e-mail is kept in the job table.
    kept = json.dumps(job.result, ensure_ascii=False)
    assert email not in kept and enrolment.trainee.user.name not in kept
    done = client.get(posted.headers["Location"], headers={"HX-Request": "true"})
    html = done.get_data(as_text=True)
    assert "every 1s" not in html and enrolment.trainee.user.name in html
    assert "새 버전" in html and token_in(html) == job.params["token"]
    jobs.run(job.id)  # a second delivery runs nothing
    assert records(db) == []


def test_a_check_is_shown_only_on_the_campus_it_was_made_for(client, coordinator, db):
    from academy.models import Job, JobState

    other = factories.CampusFactory()
    db.session.flush()
    result = {
        "file": "x.xlsx",
        "warnings": [],
        "problem_count": 0,
        "problems": [],
        "counts": {"new": 7},
        "rows": [],
    }
    job = Job(
        kind="outcome_check",
        owner_id=coordinator.id,
        result=result,
        params={"token": "t" * 32, "campus_id": other.id},
        time_limit_seconds=60,
        state=JobState.DONE,
    )
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/outcomes/campuses/{coordinator.campus_id}/import?job={job.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "x.xlsx" not in html and 'name="token"' not in html
