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


def test_the_glossary_and_the_pages_use_one_korean_word_for_each_kpi_term(app):
    """Each glossary term is the very msgid the pages use; its Korean is the official term."""
    from flask_babel import force_locale

    from academy.labels import GLOSSARY

    with app.test_request_context(), force_locale("ko"):
        shown = {entry.korean: str(entry.term) for entry in GLOSSARY}
        assert all(text.startswith(korean) for korean, text in shown.items()), shown
        assert label_for(EnrolmentStatus.ENROLLED) == "등록"
        assert label_for(EnrolmentStatus.WITHDRAWN) == "중도 탈락"
        assert label_for(EnrolmentStatus.CANCELLED) == "취소"
        # "Enrolled" counts people of finished cohorts too: never "in training"
        assert "수강" not in " ".join(str(e.term) for e in GLOSSARY)
        assert {
            "등록 인원",
            "수료자",
            "미수료",
            "중도 탈락",
            "취소",
            "조기취업",
            "산정 제외",
            "재직자",
            "결과 미확인",
        } <= set(shown)
