import enum

from flask_babel import force_locale

import academy.models as models
from academy.labels import LABELS, label_for
from academy.models import CareerField, CertificationKind, EnrolmentStatus, PlacementStatus


def test_members_with_the_same_value_keep_their_own_labels(app):
    with app.test_request_context(), force_locale("en"):
        assert label_for(EnrolmentStatus.COMPLETED) == "Completed"
        assert label_for(PlacementStatus.COMPLETED) == "Finished"
        assert label_for(CareerField.OTHER) != label_for(CertificationKind.OTHER)


def test_every_member_of_every_labelled_enum_has_a_label():
    labelled = {cls for cls, _ in LABELS}
    missing = [
        f"{cls.__name__}.{member.name}"
        for cls in labelled
        for member in cls
        if (cls, member.value) not in LABELS
    ]
    assert not missing, missing
    assert all(issubclass(cls, enum.Enum) for cls in labelled)
    assert models.Role in labelled
