"""valid_from / valid_to in the catalogue file: read, written back, checked."""

import pytest

from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import catalogue_from_yaml, catalogue_to_yaml

TEXT = """\
format: benchlearn-catalogue
version: 2
variables:
  - code: EXP
  - code: SUBV
    valid_to: 2024
  - code: NEEDS
    valid_from: 2025
indicators:
  - code: COVER
    formula: SUBV / EXP
    valid_to: 2024
  - code: COVER
    formula: NEEDS / EXP
    valid_from: 2025
"""


def test_validity_is_read_and_written_back():
    catalogue = catalogue_from_yaml(TEXT)
    subv, needs = catalogue.variables[1], catalogue.variables[2]
    assert (subv.valid_from, subv.valid_to, needs.valid_from, needs.valid_to) == (
        None,
        2024,
        2025,
        None,
    )
    assert [(i.formula, i.valid_from, i.valid_to) for i in catalogue.indicators] == [
        ("SUBV / EXP", None, 2024),
        ("NEEDS / EXP", 2025, None),
    ]
    assert catalogue_from_yaml(catalogue_to_yaml(catalogue)) == catalogue


@pytest.mark.parametrize(
    "change, expected",
    [
        ("valid_to: 2024\n  - code: NEEDS", "variable SUBV valid_to must be a year, not 'soon'"),
        ("valid_from: 2025\nindicators", "valid_to 2020 is before valid_from 2025"),
    ],
)
def test_a_bad_year_is_a_problem_with_its_line(change, expected):
    bad = {
        "valid_to: 2024\n  - code: NEEDS": TEXT.replace(
            "    valid_to: 2024\n  - code: NEEDS", "    valid_to: soon\n  - code: NEEDS"
        ),
        "valid_from: 2025\nindicators": TEXT.replace(
            "    valid_from: 2025\nindicators",
            "    valid_from: 2025\n    valid_to: 2020\nindicators",
        ),
    }[change]
    with pytest.raises(InputError) as refused:
        catalogue_from_yaml(bad)
    assert any(expected in p and p.startswith("line ") for p in refused.value.problems), (
        refused.value.problems
    )
