import pytest

from benchlearn.competencies.models import CompetencyScheme
from benchlearn.competencies.scheme import scheme_load


@pytest.fixture
def scheme(db) -> CompetencyScheme:
    """The scheme shipped with Benchlearn, loaded and published."""
    return scheme_load().scheme
