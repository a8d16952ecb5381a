"""The objects the URL × role walk (tests/test_url_walk.py) names on the scheme's and
the suggestions' pages: the shipped scheme (published) copied into a draft of a new
version, which only the office sees, one of its competencies, and a suggestion."""

from benchlearn.competencies.editing import ResourceInput, resource_save, scheme_copy
from benchlearn.competencies.scheme import scheme_load


def competencies_office_parameters(operator) -> dict[str, str]:
    shipped = scheme_load().scheme
    draft = scheme_copy(
        scheme=shipped, version="2099.1", by=operator, change_note_pl="Nowe opisy poziomów."
    )
    suggestion = resource_save(
        resource=None,
        data=ResourceInput(
            competency_code="MEASURE",
            kind="material",
            title="Podręcznik pomiaru usług",
            url="https://example.org/podrecznik",
        ),
        by=operator,
    )
    return {
        "scheme_id": str(draft.pk),
        "competency_id": str(draft.competencies.get(code="MEASURE").pk),
        "resource_id": str(suggestion.pk),
    }
