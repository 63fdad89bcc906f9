"""Every upload waiting between two steps goes through one store (academy.staging): a cohort's
roster or attendance file is bound to its uploader and its kind as an outcome file is."""

import pytest

from academy import staging
from academy.cohorts import staging as cohort_staging


def test_a_staged_cohort_file_opens_only_for_its_uploader_and_its_kind(app, db):
    staged = cohort_staging.stage(b"name,email\n", "roster", 1, 5, "roster.csv", "ko")
    assert cohort_staging.read_data(staged) == b"name,email\n"
    for user_id, purpose in ((6, "cohort_roster"), (5, "cohort_attendance"), (5, "outcomes")):
        with pytest.raises(staging.StagedFileMissing):
            staging.load(staged.token, user_id, purpose)


def test_a_discarded_cohort_file_is_gone_but_its_record_stays(app, db):
    staged = cohort_staging.stage(b"name,email\n", "attendance", 1, 5, "sheet.csv", "ko")
    cohort_staging.discard_data(staged)
    assert not staged.has_data
    assert cohort_staging.load(staged.token) is not None
    with pytest.raises(staging.StagedFileMissing):
        cohort_staging.read_data(staged)
