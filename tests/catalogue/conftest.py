"""A small catalogue: two domains, four variables, three indicators, one set."""

import pytest

from benchlearn.catalogue.services import catalogue_import, edit_token

SMALL_YAML = """\
format: benchlearn-catalogue
version: 1
domains:
  - code: EDU
    name: {pl: Oświata, en: Education}
  - code: WASTE
    name: {pl: Odpady, en: Waste}
variables:
  - code: EDU_EXP
    name: {pl: Wydatki bieżące na oświatę, en: Current expenditure on education}
    unit: zł
    min: 0
    max: 500000000
    domain: EDU
  - code: PUPILS
    name: {pl: Liczba uczniów, en: Pupils}
    source: public_statistics
    min: 100
    max: 50000
    domain: EDU
  - code: WASTE_T
    name: {pl: Odpady zebrane, en: Waste collected}
    unit: t
    min: 0
    max: 100000
    domain: WASTE
  - code: POP
    name: {pl: Liczba mieszkańców, en: Population}
    source: public_statistics
    min: 1000
    max: 2000000
indicators:
  - code: EDU_COST_PUPIL
    name: {pl: Wydatki bieżące na ucznia, en: Current expenditure per pupil}
    formula: EDU_EXP / PUPILS
    numerator: EDU_EXP
    denominator: PUPILS
    unit: zł/ucznia
    polarity: lower
    category: efficiency
    decimals: 0
    domain: EDU
  - code: PUPILS_PER_1000
    name: {pl: Uczniowie na 1000 mieszkańców, en: Pupils per 1000 residents}
    formula: PUPILS / POP * 1000
    polarity: neutral
    category: output
    decimals: 1
    domain: EDU
  - code: WASTE_PER_CAPITA
    name: {pl: Odpady na mieszkańca, en: Waste per resident}
    formula: WASTE_T / POP
    unit: t
    polarity: lower
    category: output
    decimals: 3
    domain: WASTE
sets:
  - code: SET_EDU
    name: {pl: Modelowy zestaw – oświata, en: Model set – education}
    domain: EDU
    indicators: [EDU_COST_PUPIL, PUPILS_PER_1000]
"""


@pytest.fixture
def catalogue(db, operator):
    catalogue_import(text=SMALL_YAML, user=operator)
    return SMALL_YAML


def variable_form(variable, **changes) -> dict:
    """What the variable editor posts for ``variable`` as it is stored, with ``changes``."""
    fields = {
        "code": variable.code,
        "name_pl": variable.name_pl,
        "domain": variable.domain.code if variable.domain else "",
        "source": variable.source,
        "compare": variable.compare,
        "compare_per": variable.compare_per,
        "base_token": edit_token(variable.updated_at),
    }
    return fields | changes
