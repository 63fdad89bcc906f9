"""The corpus of coordinators' files (tests/exchange/corpus.py) through the roster import into a
real database: what is stored is what a careful coordinator reads, nothing is lost or stored
half-normalised, a refused file writes nothing, and no output echoes a resident number."""

import io
import json
import stat
import unicodedata
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy import storage
from academy.cohorts.imports import check_roster, commit_roster
from academy.exchange.reading import UnreadableFile
from academy.models import AccessLog, Enrolment, Role, Trainee, User
from tests import factories
from tests.conftest import count_rows
from tests.exchange import corpus

ROSTER_CASES = [make for make in corpus.CASES if make().kind == "roster"]


@pytest.fixture(autouse=True)
def korean(app, db):
    with app.test_request_context(), force_locale("ko"):
        yield


@pytest.fixture
def cohort(db):
    cohort = factories.CohortFactory(
        starts_on=date(2025, 3, 10), ends_on=date(2025, 7, 25), capacity=100
    )
    db.session.commit()
    return cohort


def stored(db, email: str) -> dict:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    assert user is not None, f"{email} was not stored"
    trainee = db.session.scalar(sa.select(Trainee).where(Trainee.user_id == user.id))
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.trainee_id == trainee.id))
    return {
        "name": user.name,
        "birth_date": trainee.birth_date,
        "phone": trainee.phone,
        "vulnerable": trainee.vulnerable,
        "employed_at_start": enrolment.employed_at_start,
    }


@pytest.mark.parametrize("make", ROSTER_CASES, ids=lambda make: make.__name__)
def test_each_roster_is_stored_as_read_or_not_at_all(db, cohort, make):
    case = make()
    if case.refused:
        with pytest.raises(UnreadableFile):
            commit_roster(cohort, case.data, by=None)
        assert count_rows(Enrolment) == 0
        return
    check = commit_roster(cohort, case.data, by=None)
    if case.problems:
        assert not check.written and count_rows(Enrolment) == count_rows(User) == 0
        return
    assert check.written
    assert count_rows(Enrolment) == case.rows
    for email, expected in case.stored.items():
        record = stored(db, email)
        assert {key: record[key] for key in expected} == expected, email


def test_names_are_stored_composed_and_logins_plain(db, cohort):
    commit_roster(cohort, corpus.mac_decomposed_text().data, by=None)
    commit_roster(cohort, corpus.full_width_and_invisible().data, by=None)
    names = db.session.scalars(sa.select(User.name)).all()
    assert names and all(name == unicodedata.normalize("NFC", name) for name in names)
    emails = db.session.scalars(sa.select(User.email)).all()
    assert all(email.isascii() and email == email.strip() for email in emails)
    assert "hong@example.org" in emails  # typed in full-width letters: the login works


def known_trainee(db, cohort, **fields):
    user = factories.UserFactory(role=Role.TRAINEE, email="garam@example.org", name="김가람")
    trainee = factories.TraineeFactory(
        user=user, birth_date=date(1998, 5, 14), phone="010-1111-1111", vulnerable=False, **fields
    )
    db.session.commit()
    return trainee


def correcting_file() -> bytes:
    return corpus.xlsx(
        [
            ["이름", "생년월일", "이메일", "휴대전화", "취약계층"],
            ["김가람", "1998-05-14", "garam@example.org", "", ""],  # blanks correct nothing
            ["이나래", "1996-11-02", "narae@example.org", "010-2222-2222", "N"],
        ]
    ), corpus.xlsx(
        [
            ["이름", "생년월일", "이메일", "휴대전화", "취약계층"],
            ["김가람람", "1998-05-14", "garam@example.org", "010-9999-9999", "Y"],
        ]
    )


def test_a_known_trainees_new_name_and_phone_are_shown_and_applied_only_when_asked(db, cohort):
    trainee = known_trainee(db, cohort)
    same, different = correcting_file()
    assert check_roster(cohort, same).changed == []  # a blank phone erases nothing
    check = check_roster(cohort, different)
    assert [line.changes for line in check.changed] == [
        {
            "name": ("김가람", "김가람람"),
            "phone": ("010-1111-1111", "010-9999-9999"),
            "vulnerable": (False, True),
        }
    ]
    commit_roster(cohort, different, by=None)
    db.session.refresh(trainee)
    assert (trainee.user.name, trainee.phone, trainee.vulnerable) == (
        "김가람",
        "010-1111-1111",
        False,
    )  # enrolled, record untouched
    assert count_rows(Enrolment) == 1
    # Imported again with the corrections accepted: the trainee is on the roster already, and
    # their record is corrected, with an access-log entry naming the fields, not the values.
    commit_roster(cohort, different, by=None, apply_changes=True)
    db.session.refresh(trainee)
    assert (trainee.user.name, trainee.phone, trainee.vulnerable) == (
        "김가람람",
        "010-9999-9999",
        True,
    )
    entry = db.session.scalar(sa.select(AccessLog).where(AccessLog.subject_type == "trainee"))
    assert entry.subject_id == trainee.id and "name, phone, vulnerable" in entry.detail
    assert "9999" not in entry.detail


def test_the_cli_names_differences_and_masks_resident_numbers(db, cohort, runner, tmp_path):
    known_trainee(db, cohort)
    _, different = correcting_file()
    path = tmp_path / "명단.xlsx"
    path.write_bytes(different)
    result = runner.invoke(args=["roster", "import", str(path), "--cohort", cohort.code])
    assert result.exit_code == 0, result.output
    assert "differs (--apply-changes corrects it)" in result.output
    assert db.session.scalar(sa.select(User.name).where(User.email == "garam@example.org")) == (
        "김가람"
    )
    result = runner.invoke(
        args=["roster", "import", str(path), "--cohort", cohort.code, "--apply-changes"]
    )
    assert result.exit_code == 0 and "corrected: name 김가람 -> 김가람람" in result.output
    path.write_bytes(corpus.resident_numbers().data)
    result = runner.invoke(args=["roster", "import", str(path), "--cohort", cohort.code])
    assert result.exit_code == 1
    assert "961102-2******" in result.output and "개인정보 보호법" in result.output
    for secret in corpus.resident_numbers().never_echoed:
        assert secret not in result.output


# The web preview ----------------------------------------------------------------------------


def upload(client, cohort, data, name="명단.xlsx"):
    response = client.post(
        f"/cohorts/{cohort.id}/roster/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    return response.headers["Location"]


@pytest.fixture
def coordinator_cohort(db, login_as):
    cohort = factories.CohortFactory(starts_on=date(2025, 3, 10), capacity=100)
    db.session.commit()
    login_as(Role.COORDINATOR, campus=cohort.campus)
    return cohort


def test_the_preview_shows_every_field_that_will_be_stored_and_the_hidden_rows(
    client, coordinator_cohort
):
    cohort = coordinator_cohort
    page = client.get(upload(client, cohort, corpus.full_width_and_invisible().data, "a.csv"))
    html = page.get_data(as_text=True)
    for shown in ("010-8947-9947", "hong@example.org", "2000-07-31", "취약계층", "재직"):
        assert shown in html
    assert "U+200B ZERO WIDTH SPACE" in html
    html = client.get(upload(client, cohort, corpus.hidden_by_filter().data)).get_data(as_text=True)
    assert html.count("Excel에서 숨긴 행") == 2 and "3, 6행" in html


def test_the_preview_offers_corrections_and_applies_them_only_when_ticked(
    client, coordinator_cohort, db
):
    cohort = coordinator_cohort
    trainee = known_trainee(db, cohort)
    _, different = correcting_file()
    location = upload(client, cohort, different)
    html = client.get(location).get_data(as_text=True)
    assert "등록된 정보가 파일과 다른 교육생" in html and "010-9999-9999" in html
    assert 'name="apply_changes"' in html
    client.post(location + "/commit")
    db.session.refresh(trainee)
    assert trainee.user.name == "김가람" and count_rows(Enrolment) == 1
    location = upload(client, cohort, different)
    client.post(location + "/commit", data={"apply_changes": "y"})
    db.session.expire_all()
    assert (trainee.user.name, trainee.phone) == ("김가람람", "010-9999-9999")
    assert "1명의 정보를 파일 내용으로 고쳤습니다" in client.get(location).get_data(as_text=True)


def test_resident_numbers_are_masked_in_the_preview_the_staged_record_and_the_error_copy(
    client, coordinator_cohort, app
):
    cohort = coordinator_cohort
    location = upload(client, cohort, corpus.resident_numbers().data)
    html = client.get(location).get_data(as_text=True)
    assert "961102-2******" in html and "개인정보 보호법" in html
    token = location.rsplit("/", 1)[1]
    copy = client.get(location + "/errors.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(copy.data)).active
    shown = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "980514-1******" in shown
    with app.test_request_context():
        record = storage.area("staging").get(f"cohort-import-{token}.json").decode("utf-8")
        folder = Path(app.config["STAGING_FOLDER"])
        kept = list(folder.glob(f"*{token}*"))
        assert kept
        for path in kept:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert "961102-2******" in json.loads(record)["report"]["problems"][0]["value"]
    for secret in corpus.resident_numbers().never_echoed:
        assert secret not in html and secret not in shown and secret not in record
