"""A variable's GUS BDL source in the catalogue file: read by level, written back, a
wrong level or id refused with its line; the shipped catalogue names the sources of the
finance figures BDL publishes."""

import pytest

from benchlearn.engine.catalogue import BdlSourceError, bdl_sources, bdl_text
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import (
    catalogue_from_yaml,
    catalogue_to_yaml,
    default_catalogue_text,
)

TEXT = """\
format: benchlearn-catalogue
version: 3
variables:
  - code: REVENUE
    bdl: {gmina: 76037}
  - code: PARTS
    bdl: {county: [11, 12], gmina: 3}
  - code: TYPED
"""


def test_the_source_is_read_by_level_and_written_back():
    catalogue = catalogue_from_yaml(TEXT)
    assert [v.bdl for v in catalogue.variables] == ["6:76037", "6:3 5:11+12", ""]
    assert bdl_sources("6:3 5:11+12") == {6: (3,), 5: (11, 12)}
    written = catalogue_to_yaml(catalogue)
    assert "bdl:\n    gmina: 76037\n" in written or "bdl: {gmina: 76037}" in written
    assert catalogue_from_yaml(written) == catalogue


@pytest.mark.parametrize(
    "source, expected",
    [
        ("{powiat: 1}", "variable REVENUE bdl: unknown level 'powiat' (use gmina, county"),
        ("{gmina: abc}", "variable REVENUE bdl: a BDL variable is a number"),
        ("76037", "variable REVENUE bdl must be a mapping"),
    ],
)
def test_a_wrong_source_is_refused_with_its_line(source, expected):
    with pytest.raises(InputError) as refused:
        catalogue_from_yaml(TEXT.replace("{gmina: 76037}", source, 1))
    assert any(expected in p and p.startswith("line 5") for p in refused.value.problems), (
        refused.value.problems
    )


@pytest.mark.parametrize("text", ["76037", "7:1", "6:1 6:2", "6:x", "6:"])
def test_a_stored_text_not_of_the_form_is_refused(text):
    with pytest.raises(BdlSourceError):
        bdl_sources(text)


def test_the_stored_text_lists_the_lowest_units_first():
    assert bdl_text({2: (5,), 6: (1, 2)}) == "6:1+2 2:5"


def test_the_shipped_catalogue_names_the_bdl_sources_of_gmina_finance():
    """BDL publishes a gmina's (and a city's) total revenue, own revenue and total
    expenditure: the shipped catalogue names those sources, and says so in the
    definitions and the change log; the rest of the finance figures are typed only."""
    catalogue = catalogue_from_yaml(default_catalogue_text())
    sourced = {v.code: v.bdl for v in catalogue.variables if v.bdl}
    assert sourced == {
        "FIN_REV_TOTAL": "6:76037",
        "FIN_REV_OWN": "6:76070",
        "FIN_EXP_TOTAL": "6:76477",
    }
    for variable in catalogue.variables:
        if variable.bdl:
            number = variable.bdl.split(":")[1]
            assert f"(zmienna {number})" in variable.definition_pl
            assert f"(variable {number})" in variable.definition_en
            assert variable.source.value == "form"
    (release,) = [r for r in catalogue.changelog if r.version == "2026.1"]
    logged = {code for entry in release.entries if "BDL" in entry.text_en for code in entry.codes}
    assert set(sourced) <= logged
