"""Every upload endpoint refuses a body over MAX_CONTENT_LENGTH (413, before any view runs) and a
file whose content is not of its kind, whatever its name, and keeps nothing of a refused file."""

import io
import os
from datetime import date

import pytest

from academy.models import InstructorAssignment, Role
from tests import factories
from tests.outcomes.test_routes import completed_enrolment

HTML_AS_PDF = b"<html><script>alert(1)</script></html>"


def _kept(app) -> set[str]:
    folder = app.config["UPLOAD_FOLDER"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def upload_targets(db, user, campus, cohort) -> dict[str, tuple[str, str]]:
    """endpoint -> (URL, form field of the file), as `user` may post it."""
    if user.role == Role.TRAINEE:
        enrolment = completed_enrolment(trainee=user.trainee, campus=campus)
        attempt = factories.ExamAttemptFactory(trainee=user.trainee, cohort=enrolment.cohort)
        factories.SubsidyProgrammeFactory(year=date.today().year)
        db.session.commit()
        return {
            "outcomes.report": (
                f"/outcomes/enrolments/{enrolment.id}/report",
                f"e{enrolment.id}-evidence",
            ),
            "certifications.update_result": (
                f"/certifications/attempts/{attempt.id}/result",
                "evidence",
            ),
            "subsidies.submit_application": ("/subsidies/apply", "receipt"),
        }
    if user.role == Role.INSTRUCTOR:
        db.session.add(InstructorAssignment(cohort=cohort, instructor=user.instructor))
        db.session.commit()
        return {
            "instructors.add_career": ("/instructors/me/careers", "evidence"),
            "cohorts.import_attendance": (f"/cohorts/{cohort.id}/attendance/import", "file"),
        }
    return {
        "cohorts.import_roster": (f"/cohorts/{cohort.id}/roster/import", "file"),
        "cohorts.import_attendance": (f"/cohorts/{cohort.id}/attendance/import", "file"),
        "outcomes.import_outcomes": (f"/outcomes/campuses/{campus.id}/import", "file"),
    }


@pytest.fixture
def small_limits(app):
    saved = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    yield
    app.config["MAX_CONTENT_LENGTH"] = saved


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.INSTRUCTOR, Role.COORDINATOR], ids=str)
def test_an_oversize_upload_is_refused_before_the_view(
    app, client, login_as, db, small_limits, role
):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    user = login_as(role, campus=campus if role == Role.COORDINATOR else None)
    before = _kept(app)
    for endpoint, (url, field) in upload_targets(db, user, campus, cohort).items():
        big = b"%PDF-1.7\n" + b"0" * (80 * 1024)
        response = client.post(
            url, data={field: (io.BytesIO(big), "big.pdf")}, content_type="multipart/form-data"
        )
        assert response.status_code == 413, endpoint
    assert _kept(app) == before


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.INSTRUCTOR, Role.COORDINATOR], ids=str)
def test_a_file_of_the_wrong_kind_is_refused(app, client, login_as, db, role):
    campus = factories.CampusFactory()
    cohort = factories.CohortFactory(campus=campus)
    user = login_as(role, campus=campus if role == Role.COORDINATOR else None)
    before = _kept(app)
    for endpoint, (url, field) in upload_targets(db, user, campus, cohort).items():
        # A page dressed as a PDF for evidence; an old binary .xls or a zip without a workbook
        # for the exchange files.
        for data, name in (
            (HTML_AS_PDF, "evidence.pdf"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "roster.xlsx"),
            (b"PK\x03\x04" + b"\0" * 64, "roster.xlsx"),
        ):
            if field == "file" and data is HTML_AS_PDF:
                continue
            if field != "file" and data is not HTML_AS_PDF:
                continue
            response = client.post(
                url,
                data={field: (io.BytesIO(data), name)},
                content_type="multipart/form-data",
                follow_redirects=True,
            )
            page = response.get_data(as_text=True)
            assert response.status_code in (200, 422), (endpoint, response.status_code)
            if field == "file":  # the exchange files say why; evidence forms keep nothing
                assert "Excel" in page or "xls" in page, (endpoint, page[:300])
    assert _kept(app) == before


def test_openpyxl_reads_workbooks_through_defusedxml():
    """An .xlsx is XML: without defusedxml, openpyxl would expand entity bombs."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
