"""Definitions that change with the law: each data year computed with its own."""

import polars as pl
import pytest

from benchlearn.engine.catalogue import Catalogue, Indicator, Variable
from benchlearn.engine.evaluate import (
    CatalogueError,
    catalogue_in_year,
    check_by_year,
    evaluate,
    evaluate_by_year,
    validity_problems,
)

OLD = Indicator("COVER", "100 * SUBV / EXP", valid_to=2024)
NEW = Indicator("COVER", "100 * NEEDS / EXP", valid_from=2025)
USES = Indicator("COVER_CHANGE", "COVER - prev(COVER)")
CATALOGUE = Catalogue(
    variables=(
        Variable("EXP"),
        Variable("SUBV", valid_to=2024),
        Variable("NEEDS", valid_from=2025),
    ),
    indicators=(Indicator("EXP_K", "EXP / 1000"), OLD, NEW, USES),
)


def _values(rows):
    return pl.DataFrame(
        rows, schema=["unit", "period", "variable", "value"], orient="row"
    ).with_columns(pl.col("period").cast(pl.Int64))


VALUES = _values(
    [
        ("A", 2023, "EXP", 1000.0),
        ("A", 2023, "SUBV", 600.0),
        ("A", 2024, "EXP", 1000.0),
        ("A", 2024, "SUBV", 500.0),
        ("A", 2025, "EXP", 1000.0),
        ("A", 2025, "NEEDS", 700.0),
        # A stray old-style value in 2025 is not read: its definition no longer holds.
        ("A", 2025, "SUBV", 10.0),
    ]
)


def _by(results):
    return {
        (row["indicator"], row["period"]): row["value"] for row in results.iter_rows(named=True)
    }


def test_each_year_is_computed_with_the_definition_valid_in_it():
    found = _by(evaluate_by_year(VALUES, CATALOGUE))
    assert found[("COVER", 2023)] == 60.0 and found[("COVER", 2024)] == 50.0
    assert found[("COVER", 2025)] == 70.0
    # An indicator using it reads each year's own definition.
    assert found[("COVER_CHANGE", 2024)] == -10.0
    assert found[("EXP_K", 2025)] == 1.0


def test_the_years_before_the_change_are_what_they_were_without_it():
    before = Catalogue(
        variables=CATALOGUE.variables,
        indicators=(Indicator("EXP_K", "EXP / 1000"), Indicator("COVER", "100 * SUBV / EXP"), USES),
    )
    old = evaluate(VALUES.filter(pl.col("period") <= 2024), before)
    new = evaluate_by_year(VALUES, CATALOGUE).filter(pl.col("period") <= 2024)
    assert _by(new) == _by(old)


def test_a_year_no_definition_holds_in_gives_no_row():
    only_old = Catalogue(variables=CATALOGUE.variables, indicators=(OLD, USES))
    found = evaluate_by_year(VALUES, only_old)
    assert set(found.filter(pl.col("period") == 2025)["indicator"]) == set()
    assert _by(found)[("COVER", 2024)] == 50.0
    assert [i.code for i in catalogue_in_year(only_old, 2025).indicators] == []


def test_without_limited_definitions_it_is_evaluate():
    plain = Catalogue(variables=CATALOGUE.variables, indicators=(Indicator("EXP_K", "EXP / 1000"),))
    assert evaluate_by_year(VALUES, plain).equals(evaluate(VALUES, plain))


@pytest.mark.parametrize(
    "ranges, expected",
    [
        ([(None, 2024), (2025, None)], []),
        ([(2020, 2022), (2023, 2024), (2025, None)], []),
        (
            [(None, 2024), (2024, None)],
            ["indicator X: the definitions valid ..2024 and 2024.. overlap"],
        ),
        (
            [(None, None), (2025, None)],
            ["indicator X: the definitions valid .. and 2025.. overlap"],
        ),
        (
            [(None, 2022), (2025, None)],
            [
                "indicator X: no definition is valid from 2023 to 2024 "
                "(between the definitions valid ..2022 and 2025..)"
            ],
        ),
    ],
)
def test_validity_ranges_of_one_code_follow_each_other(ranges, expected):
    catalogue = Catalogue(
        variables=(Variable("A"),),
        indicators=tuple(Indicator("X", "A", valid_from=f, valid_to=t) for f, t in ranges),
    )
    assert [str(p.message) for p in validity_problems(catalogue)] == expected
    if expected:
        with pytest.raises(CatalogueError):
            check_by_year(catalogue)
    else:
        check_by_year(catalogue)


def test_check_by_year_finds_formula_problems_of_every_definition():
    catalogue = Catalogue(
        variables=(Variable("A"),),
        indicators=(Indicator("X", "A", valid_to=2024), Indicator("X", "B", valid_from=2025)),
    )
    with pytest.raises(CatalogueError) as refused:
        check_by_year(catalogue)
    assert any("B" in problem for problem in refused.value.problems)
