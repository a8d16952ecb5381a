"""Definitions that change with the law: a round asks only for what holds in its data
year, and each year's results are computed with the definition valid in it."""

import pytest
from django.urls import reverse

from benchlearn.catalogue.models import IndicatorVersion
from benchlearn.catalogue.services import (
    catalogue_import,
    catalogue_load_default,
    catalogue_publish,
)
from benchlearn.collection.models import Submission
from benchlearn.collection.selectors import round_indicator_versions, round_variables
from benchlearn.collection.services import submission_approve, submission_submit
from benchlearn.results.models import Result
from benchlearn.results.services import computation_request, computation_run
from tests.collection.conftest import make_round, save
from tests.conftest import TERYT_A, client_for

pytestmark = pytest.mark.django_db


def _codes(round_):
    return {v.code for v in round_variables(round_)}


def _formula(round_, code):
    return next(v.formula for v in round_indicator_versions(round_) if v.indicator.code == code)


def test_a_2025_education_round_asks_for_the_needs_amount_not_the_abolished_subvention(
    units, operator
):
    catalogue_load_default(user=operator)
    catalogue_publish(user=operator)
    round_2025 = make_round(operator, [units["a"]], period=2025, sets=("SET_EDU",))
    assert "EDU_NEEDS" in _codes(round_2025) and "EDU_SUBV" not in _codes(round_2025)
    assert _formula(round_2025, "EDU_SUBV_COVERAGE") == "100 * EDU_NEEDS / EDU_EXP_CUR"
    round_2024 = make_round(operator, [units["a"]], period=2024, sets=("SET_EDU",))
    assert "EDU_SUBV" in _codes(round_2024) and "EDU_NEEDS" not in _codes(round_2024)
    assert _formula(round_2024, "EDU_SUBV_COVERAGE") == "100 * EDU_SUBV / EDU_EXP_CUR"


BEFORE = """\
format: benchlearn-catalogue
version: 1
domains:
  - code: EDU
    name: Oświata
variables:
  - {code: EXP, name: Wydatki, domain: EDU}
  - {code: SUBV, name: Subwencja, domain: EDU}
indicators:
  - {code: COVER, name: Pokrycie subwencją, formula: 100 * SUBV / EXP, domain: EDU}
sets:
  - {code: SET_EDU, name: Oświata, domain: EDU, indicators: [COVER]}
"""

AFTER = """\
format: benchlearn-catalogue
version: 2
domains:
  - code: EDU
    name: Oświata
variables:
  - {code: EXP, name: Wydatki, domain: EDU}
  - {code: SUBV, name: Subwencja, domain: EDU, valid_to: 2024}
  - {code: NEEDS, name: Potrzeby oświatowe, domain: EDU, valid_from: 2025}
indicators:
  - {code: COVER, name: Pokrycie subwencją, formula: 100 * SUBV / EXP, domain: EDU,
     valid_to: 2024}
  - {code: COVER, name: Pokrycie potrzebami, formula: 100 * NEEDS / EXP, domain: EDU,
     valid_from: 2025, notes: Subwencja oświatowa zniesiona od 2025 r.}
sets:
  - {code: SET_EDU, name: Oświata, domain: EDU, indicators: [COVER]}
"""


def _approved(round_, participant, operator, values):
    submission = Submission.objects.get(round=round_, unit__teryt=TERYT_A)
    assert save(submission, participant, values).ok
    submission.refresh_from_db()
    submission_submit(submission=submission, user=participant, base_revision=submission.revision)
    submission_approve(submission=submission, operator=operator)


def _results(computation):
    return {
        row.period: row.value
        for row in Result.objects.filter(computation=computation, indicator__code="COVER")
    }


def test_each_year_is_computed_with_its_definition_and_past_results_stay(
    programme, units, operator, participant_a
):
    catalogue_import(text=BEFORE, user=operator)
    catalogue_publish(user=operator)
    round_2024 = make_round(operator, [units["a"]], period=2024)
    _approved(round_2024, participant_a, operator, {"EXP": "1000", "SUBV": "600"})
    first = computation_run(computation_request(user=operator).pk)
    assert _results(first) == {2024: 60.0}
    published_v1 = IndicatorVersion.objects.get(indicator__code="COVER", number=1)

    catalogue_import(text=AFTER, user=operator)
    catalogue_publish(user=operator)
    round_2025 = make_round(operator, [units["a"]], period=2025)
    assert _codes(round_2025) == {"EXP", "NEEDS"}
    _approved(round_2025, participant_a, operator, {"EXP": "1000", "NEEDS": "750"})
    second = computation_run(computation_request(user=operator).pk)
    # 2024 as before; 2025 with the needs amount.
    # (A newer computation replaces the rows of older ones: its 2024 row is the result.)
    assert _results(second) == {2024: 60.0, 2025: 75.0}
    unchanged = IndicatorVersion.objects.get(pk=published_v1.pk)
    assert (unchanged.formula, unchanged.valid_to, unchanged.published_at) == (
        published_v1.formula,
        None,
        published_v1.published_at,
    )
    # The 2024 round, opened before, still asks for what it asked.
    assert _codes(round_2024) == {"EXP", "SUBV"}

    # The round's results page: each round's year computed with its own version.
    client = client_for(participant_a)
    client.cookies["django_language"] = "en"
    for round_, value in ((round_2024, "60"), (round_2025, "75")):
        page = client.get(reverse("round-results", args=[round_.pk])).content.decode()
        assert "computed with version" not in page and value in page

    # The indicator page says where the series breaks and why; its chart's table and
    # the download mark it.
    client = client_for(participant_a)
    client.cookies["django_language"] = "pl"
    url = reverse("unit-indicator", args=[TERYT_A, "COVER"])
    page = client.get(url, {"year": "2025"}).content.decode()
    assert "Przerwa w szeregu od 2025" in page
    assert "Subwencja oświatowa zniesiona od 2025 r." in page
    assert "2025 (przerwa w szeregu)" in page
    csv = client.get(reverse("unit-indicator-csv", args=[TERYT_A, "COVER"]), {"year": "2024"})
    assert "Przerwa w szeregu" in csv.content.decode("utf-8-sig")
    assert "definicja obowiązująca do 2024" in csv.content.decode("utf-8-sig")
