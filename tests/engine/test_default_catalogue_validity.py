"""D01 of the 2026 review in the shipped catalogue: the education part of the general
subvention ends with data year 2024; the amount of educational needs takes its place."""

from benchlearn.engine.evaluate import catalogue_in_year, check_by_year
from benchlearn.engine.io.catalogue_yaml import read_default_catalogue


def test_the_subvention_ends_in_2024_and_the_needs_amount_follows():
    catalogue = read_default_catalogue()
    check_by_year(catalogue)
    variables = {v.code: v for v in catalogue.variables}
    assert (variables["EDU_SUBV"].valid_from, variables["EDU_SUBV"].valid_to) == (None, 2024)
    needs = variables["EDU_NEEDS"]
    assert (needs.valid_from, needs.valid_to) == (2025, None)
    assert "potrzeb oświatowych" in needs.name_pl.lower() + needs.definition_pl
    assert "1572" in needs.definition_pl
    coverage = [i for i in catalogue.indicators if i.code == "EDU_SUBV_COVERAGE"]
    assert [(i.valid_from, i.valid_to) for i in coverage] == [(None, 2024), (2025, None)]
    in_2024 = catalogue_in_year(catalogue, 2024).indicator("EDU_SUBV_COVERAGE")
    in_2025 = catalogue_in_year(catalogue, 2025).indicator("EDU_SUBV_COVERAGE")
    assert "EDU_SUBV" in in_2024.formula and "EDU_NEEDS" not in in_2024.formula
    assert in_2025.formula == "100 * EDU_NEEDS / EDU_EXP_CUR"
    assert in_2025.name_pl == "Pokrycie wydatków bieżących na oświatę potrzebami oświatowymi"
    assert "Przerwa w szeregu" in in_2025.notes_pl
