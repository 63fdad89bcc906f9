"""The pages write the access log: views, lists, downloads with their reason, sign-in and out,
and the administrator's review of the log."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from academy import audit
from academy.audit import verify_chain
from academy.models import AccessAction, AccessLog, Role
from tests import factories
from tests.audit.test_chain import TriggersDropped
from tests.conftest import TEST_PASSWORD, sign_in


def logged(db, action=None, subject_type=None) -> list[AccessLog]:
    query = sa.select(AccessLog).order_by(AccessLog.seq)
    if action is not None:
        query = query.where(AccessLog.action == action)
    if subject_type is not None:
        query = query.where(AccessLog.subject_type == subject_type)
    return db.session.scalars(query).all()


def test_a_trainee_record_view_names_the_person_and_the_viewer(client, login_as, db):
    enrolment = factories.EnrolmentFactory()
    db.session.commit()
    coordinator = login_as(Role.COORDINATOR, campus=enrolment.cohort.campus)
    assert client.get(f"/trainees/{enrolment.trainee_id}").status_code == 200
    (entry,) = logged(db, AccessAction.VIEW, "trainee")
    assert (entry.trainee_id, entry.actor_email, entry.actor_role) == (
        enrolment.trainee_id,
        coordinator.email,
        "coordinator",
    )
    assert entry.ip_address == "127.0.0.1"
    assert verify_chain() is None


def test_a_roster_page_is_one_entry_listing_everyone_shown(client, login_as, db):
    cohort = factories.CohortFactory()
    enrolments = factories.EnrolmentFactory.create_batch(4, cohort=cohort)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=cohort.campus)
    before = len(logged(db))
    assert client.get(f"/cohorts/{cohort.id}").status_code == 200
    entries = logged(db)[before:]
    assert len(entries) == 1
    assert entries[0].subject_type == "cohort" and entries[0].subject_id == cohort.id
    ids = sorted(e.trainee_id for e in enrolments)
    assert entries[0].detail == '{"trainees":[' + ",".join(map(str, ids)) + "]}"


def test_a_coordinator_download_needs_a_reason_which_is_logged(client, login_as, db):
    evidence = factories.OutcomeEvidenceFactory()
    db.session.commit()
    login_as(Role.COORDINATOR, campus=evidence.outcome.enrolment.cohort.campus)
    url = f"/outcomes/evidence/{evidence.id}"

    asked = client.get(url)
    assert asked.status_code == 200 and "attachment" not in asked.headers.get(
        "Content-Disposition", ""
    )
    page = asked.get_data(as_text=True)
    assert 'name="reason"' in page and 'name="reason_other"' in page
    assert logged(db, AccessAction.DOWNLOAD) == []

    too_short = client.get(url, query_string={"reason": "other", "reason_other": "x"})
    assert too_short.status_code == 422 and 'name="reason"' in too_short.get_data(as_text=True)
    unknown = client.get(url, query_string={"reason": "curiosity"})
    assert unknown.status_code == 422
    assert logged(db, AccessAction.DOWNLOAD) == []

    given = client.get(url, query_string={"reason": "other", "reason_other": "감사원 자료 요청"})
    assert given.status_code == 200
    assert given.headers["Content-Disposition"].startswith("attachment")
    (entry,) = logged(db, AccessAction.DOWNLOAD)
    assert entry.reason == "감사원 자료 요청"
    assert entry.trainee_id == evidence.outcome.enrolment.trainee_id

    common = client.get(url, query_string={"reason": "verification"})
    assert common.status_code == 200
    assert logged(db, AccessAction.DOWNLOAD)[-1].reason.startswith("verification: ")


def test_the_subsidy_ledger_export_needs_a_reason(client, login_as, db):
    programme = factories.SubsidyProgrammeFactory()
    db.session.commit()
    login_as(Role.OFFICIAL)
    url = f"/subsidies/programmes/{programme.id}/ledger.xlsx"
    assert "spreadsheetml" not in client.get(url).headers["Content-Type"]
    response = client.get(url, query_string={"reason": "reporting"})
    assert "spreadsheetml" in response.headers["Content-Type"]
    (entry,) = logged(db, AccessAction.EXPORT, "subsidy_programme")
    assert entry.reason.startswith("reporting: ")


def test_sign_in_failure_and_sign_out_are_logged(client, login_as, db):
    user = login_as(Role.TRAINEE)
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": "wrong" + TEST_PASSWORD})
    actions = [e.action for e in logged(db) if e.user_id == user.id]
    assert actions[0] == AccessAction.LOGIN
    assert AccessAction.LOGOUT in actions and actions[-1] == AccessAction.LOGIN_FAILED
    assert verify_chain() is None


def test_creating_an_account_is_a_role_grant_kept_three_years(runner, db):
    campus = factories.CampusFactory()
    db.session.commit()
    result = runner.invoke(
        args=[
            "academy",
            "create-user",
            "new.coordinator@example.com",
            "--role",
            "coordinator",
            "--campus",
            campus.name,
        ],
        input="a long enough passphrase 77\na long enough passphrase 77\n",
    )
    assert result.exit_code == 0, result.output
    (entry,) = logged(db, AccessAction.ROLE_GRANT)
    assert '"role":"coordinator"' in entry.detail
    assert entry.keep_until == audit.keep_until(AccessAction.ROLE_GRANT, entry.at)
    assert (entry.keep_until - entry.at.date()).days >= 3 * 365


def seed_log(db):
    alice = factories.UserFactory(
        email="alice@example.com", role=Role.COORDINATOR, campus=factories.CampusFactory()
    )
    bob = factories.UserFactory(email="bob@example.com", role=Role.OFFICIAL)
    named = factories.TraineeFactory(user__name="홍길동")
    db.session.commit()
    at = datetime(2025, 5, 1, 3, 0)  # 12:00 in Seoul
    for by, action, trainee, day in [
        (alice, AccessAction.VIEW, named.id, 0),
        (alice, AccessAction.DOWNLOAD, 999, 1),
        (bob, AccessAction.EXPORT, None, 2),
    ]:
        entry = audit.entry(action, subject=("trainee", trainee), trainee_id=trainee, by=by)
        entry.at = at + timedelta(days=day)
        db.session.add(entry)
    list_entry = audit.entry(
        AccessAction.VIEW, subject=("cohort", 1), trainee_ids=[5, named.id, 7000], by=bob
    )
    list_entry.at = at + timedelta(days=3)
    db.session.add(list_entry)
    db.session.commit()
    return named


def rows(html: str) -> int:
    return html.count("<tr>") - 1  # minus the header row


def test_admin_reviews_the_log_with_filters(client, login_as, db):
    named = seed_log(db)
    login_as(Role.ADMIN)
    page = client.get("/admin/access-log").get_data(as_text=True)
    assert "Chain verified" in page or "모두" in page
    assert "alice@example.com" in page and "bob@example.com" in page

    def partial(**args):
        return client.get(
            "/admin/access-log", query_string=args, headers={"HX-Request": "true"}
        ).get_data(as_text=True)

    only_alice = partial(account="ALICE")
    assert "alice@example.com" in only_alice and "bob@example.com" not in only_alice
    assert "<html" not in only_alice  # the fragment, not the page
    # The direct view and the list page naming them (today's reviews of the log name them too).
    assert rows(partial(person="길동", until="2025-12-31")) == 2
    assert rows(partial(person=str(named.id), until="2025-12-31")) == 2
    assert rows(partial(person="999", until="2025-12-31")) == 1
    assert "<table" not in partial(person="이순신")
    # A number beyond any id, or digits that are not ASCII, find nobody rather than failing.
    for beyond in ("9223372036854775808", "2147483648", "１２"):
        answer = client.get("/admin/access-log", query_string={"person": beyond})
        assert answer.status_code == 200 and "<table" not in answer.get_data(as_text=True)
    assert rows(partial(action="export")) == 1
    # Seoul dates: 2025-05-02 is the download only.
    assert rows(partial(since="2025-05-02", until="2025-05-02")) == 1
    assert rows(partial(since="2025-05-03")) >= 2  # the export, the list and today's reviews

    reviews = logged(db, AccessAction.VIEW, "access_log")
    assert len(reviews) >= 7  # each review is itself in the log


def test_admin_page_shows_where_the_chain_breaks(client, login_as, db):
    seed_log(db)
    with TriggersDropped(), db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE access_log SET reason = 'edited' WHERE seq = 2")
    login_as(Role.ADMIN)
    page = client.get("/admin/access-log").get_data(as_text=True)
    assert 'role="alert"' in page and ("entry 2" in page or "2번" in page)


def test_a_reason_is_asked_once_per_trainee_per_sign_in_and_every_file_is_logged(
    client, login_as, db
):
    first = factories.OutcomeEvidenceFactory()
    enrolment = first.outcome.enrolment
    second = factories.OutcomeEvidenceFactory(outcome=first.outcome, original_name="보험.pdf")
    campus = enrolment.cohort.campus
    other = factories.OutcomeEvidenceFactory(
        outcome__enrolment=factories.EnrolmentFactory(cohort=enrolment.cohort)
    )
    far = factories.OutcomeEvidenceFactory()  # a trainee of another campus
    db.session.commit()
    coordinator = login_as(Role.COORDINATOR, campus=campus)

    def download(evidence, **reason):
        return client.get(f"/outcomes/evidence/{evidence.id}", query_string=reason)

    assert 'name="reason"' in download(first).get_data(as_text=True)  # asked the first time
    given = download(first, reason="other", reason_other="재직 여부 검증")
    assert given.headers["Content-Disposition"].startswith("attachment")
    # The same trainee's next file opens at once, and is logged with the reason given.
    again = download(second)
    assert again.status_code == 200 and again.data.startswith(b"%PDF")
    assert again.headers["Content-Disposition"].startswith("attachment")
    download(first)  # opening a file twice is two entries
    entries = logged(db, AccessAction.DOWNLOAD)
    assert [(e.subject_id, e.reason) for e in entries] == [
        (first.id, "재직 여부 검증"),
        (second.id, "재직 여부 검증"),
        (first.id, "재직 여부 검증"),
    ]
    # Another trainee: asked again. Another campus's trainee: not found, reason or not.
    assert 'name="reason"' in download(other).get_data(as_text=True)
    assert download(far).status_code == 404
    assert download(far, reason="verification").status_code == 404

    # A new sign-in starts over: the reason is asked again.
    client.post("/logout")
    sign_in(client, coordinator)
    assert 'name="reason"' in download(second).get_data(as_text=True)
    assert len(logged(db, AccessAction.DOWNLOAD)) == len(entries)


def test_the_remembered_reasons_stay_few_whatever_the_number_of_trainees(app):
    from flask import session

    from academy.audit import reasons

    with app.test_request_context():
        for trainee_id in range(1, 200):
            # A new reason now and then.
            reasons._remember_reason(trainee_id, f"사유 {trainee_id // 30}")
        kept = session[audit.REASONS_KEY]
        assert len(kept["trainees"]) == audit.REMEMBERED_TRAINEES
        assert len(kept["reasons"]) <= audit.REMEMBERED_REASONS
        assert reasons._remembered_reason(199) == "사유 6"
        assert reasons._remembered_reason(150) == "사유 5"
        assert reasons._remembered_reason(1) is None  # forgotten: asked again
        assert all(0 <= i < len(kept["reasons"]) for i in kept["trainees"].values())
