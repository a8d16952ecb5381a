"""Good practices of Gmina A (Bielsko-Biała) and Gmina B (Gliwice) in "GWD Oświata",
with the stored results of tests/plans/conftest.py (COST, STAFF, MOOD in the domain
EDU, OTHER in ROADS; 2023 and 2024)."""

import pytest

from benchlearn.catalogue.models import Domain
from benchlearn.practices.models import Audience
from benchlearn.practices.services import (
    IndicatorInput,
    PracticeInput,
    practice_create,
    practice_publish,
    practice_submit,
)
from tests.plans.conftest import middle_a, results  # noqa: F401 (fixtures)
from tests.plans.progress_fixtures import (  # noqa: F401 (fixtures)
    cycle_meetings,
    year_two_action,
    year_two_plan,
)


def practice_input(title="Dowóz uczniów na żądanie", **fields) -> PracticeInput:
    values = {
        "problem": "Puste autobusy szkolne na długich trasach.",
        "solution": "Zamawianie przejazdu przez aplikację, trasy układane co dzień.",
        "results": "Koszt na ucznia spadł.",
        "tags": ["transport", "oświata"],
        **fields,
    }
    return PracticeInput(title=title, **values)


def published(unit, author, moderator, *, audience=Audience.PUBLIC, **fields):
    """A practice of ``unit`` written by ``author``, sent and published by ``moderator``."""
    practice = practice_create(unit=unit, data=practice_input(**fields), by=author)
    practice_submit(practice=practice, by=author)
    return practice_publish(practice=practice, by=moderator, audience=audience)


@pytest.fixture
def draft(results, unit_a, participant_a, group):  # noqa: F811 (the fixture above)
    return practice_create(
        unit=unit_a,
        data=practice_input(
            group=group,
            domain=Domain.objects.get(code="EDU"),
            indicators=[IndicatorInput("COST", 2023, 2024)],
        ),
        by=participant_a,
    )
