"""The change log: stored on import, shown on the catalogue page, exported with it."""

import pytest
import yaml
from django.urls import reverse

from benchlearn.catalogue.models import CatalogueChange, CatalogueRelease, Variable
from benchlearn.catalogue.services import (
    CatalogueProblems,
    catalogue_export,
    catalogue_import,
)
from tests.catalogue.conftest import SMALL_YAML, variable_form
from tests.conftest import client_for

LOG = """\
changelog:
  - version: "2026.1"
    summary: {pl: Poprawki po przeglądzie eksperckim, en: Fixes after the expert review}
    entries:
      - ref: D01
        codes: [EDU_SUBV, EDU_NEEDS]
        action: fixed
        pl: Subwencja oświatowa zniesiona od 2025 r.
        en: The education subvention abolished from 2025
      - {codes: [WASTE_T], action: kept, pl: Zakres bez zmian, en: Scope unchanged}
"""

WITH_LOG = SMALL_YAML.replace("version: 1\n", "version: 2\n" + LOG, 1)


@pytest.fixture
def with_log(db, operator):
    catalogue_import(text=WITH_LOG, user=operator)


def test_import_stores_the_change_log_once(with_log, operator):
    release = CatalogueRelease.objects.get()
    assert release.version == "2026.1" and release.summary_en == "Fixes after the expert review"
    assert release.entries[0] == {
        "ref": "D01",
        "codes": ["EDU_SUBV", "EDU_NEEDS"],
        "action": "fixed",
        "pl": "Subwencja oświatowa zniesiona od 2025 r.",
        "en": "The education subvention abolished from 2025",
    }
    assert CatalogueChange.objects.filter(object_type="changelog", code="2026.1").count() == 1
    summary = catalogue_import(text=WITH_LOG, user=operator)
    assert summary.changelogs == 0 and CatalogueRelease.objects.count() == 1
    assert CatalogueChange.objects.filter(object_type="changelog").count() == 1


def test_the_catalogue_page_shows_the_change_log_in_the_pages_language(with_log, participant_a):
    client = client_for(participant_a)
    client.cookies["django_language"] = "pl"
    page = client.get(reverse("catalogue-index")).content.decode()
    assert "Zmiany w wersji 2026.1" in page
    assert "Poprawki po przeglądzie eksperckim" in page
    assert "D01" in page and "EDU_SUBV, EDU_NEEDS" in page
    assert "poprawione" in page and "Subwencja oświatowa zniesiona od 2025 r." in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("catalogue-index")).content.decode()
    assert "Changes in version 2026.1" in page
    assert "The education subvention abolished from 2025" in page and "kept as it was" in page


def test_no_change_log_no_section(catalogue, participant_a):
    page = client_for(participant_a).get(reverse("catalogue-index")).content.decode()
    assert "Zmiany w wersji" not in page and "Changes in version" not in page


def test_the_export_carries_the_change_log_and_imports_back(with_log, operator):
    exported = catalogue_export()
    document = yaml.safe_load(exported)
    assert document["version"] == 3
    assert document["changelog"][0]["version"] == "2026.1"
    assert document["changelog"][0]["entries"][0]["ref"] == "D01"
    CatalogueRelease.objects.all().delete()
    catalogue_import(text=exported, user=operator)
    assert CatalogueRelease.objects.get().entries[1]["action"] == "kept"


def test_a_bad_change_log_refuses_the_whole_import(db, operator):
    bad = WITH_LOG.replace("action: kept", "action: mended")
    with pytest.raises(CatalogueProblems) as refused:
        catalogue_import(text=bad, user=operator)
    assert any("'mended'" in str(problem) for problem in refused.value.problems)
    assert not CatalogueRelease.objects.exists() and not Variable.objects.exists()


VALIDITY = """\
format: benchlearn-catalogue
version: 2
variables:
  - {code: EXP, name: Wydatki}
  - {code: SUBV, name: Subwencja, valid_to: 2024}
  - {code: NEEDS, name: Potrzeby, valid_from: 2025}
indicators:
  - {code: COVER, name: Pokrycie, formula: SUBV / EXP, valid_to: 2024}
  - {code: COVER, name: Pokrycie, formula: NEEDS / EXP, valid_from: 2025}
"""


def test_the_catalogue_pages_show_the_data_years_of_each_definition(db, operator, participant_a):
    catalogue_import(text=VALIDITY, user=operator)
    client = client_for(participant_a)
    client.cookies["django_language"] = "pl"
    page = client.get(reverse("indicator-detail", args=["COVER"])).content.decode()
    assert "Do 2024 r." in page and "od 2025 r." in page
    page = client.get(reverse("variable-detail", args=["SUBV"])).content.decode()
    assert "Do 2024 r." in page
    page = client.get(reverse("variable-detail", args=["EXP"])).content.decode()
    assert "każdy rok" in page


def test_an_operator_sets_a_variables_last_data_year_on_its_form(catalogue, operator):
    variable = Variable.objects.get(code="EDU_EXP")
    fields = variable_form(variable)
    client = client_for(operator)
    client.cookies["django_language"] = "pl"
    url = reverse("variable-edit", args=["EDU_EXP"])
    refused = client.post(url, fields | {"valid_from": "2025", "valid_to": "2024"})
    assert refused.status_code == 400
    assert "Ostatni rok danych nie może być wcześniejszy niż pierwszy." in refused.content.decode()
    variable.refresh_from_db()
    assert variable.valid_to is None
    assert client.post(url, fields | {"valid_to": "2024"}).status_code == 302
    variable.refresh_from_db()
    assert (variable.valid_from, variable.valid_to) == (None, 2024)
    change = CatalogueChange.objects.filter(object_type="variable", code="EDU_EXP").first()
    assert change.changes["valid_to"] == [None, 2024]
