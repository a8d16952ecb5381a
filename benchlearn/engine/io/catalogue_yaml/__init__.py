"""The portable catalogue format (YAML), for exchanging model indicator sets.

A file looks like this (every key but ``code`` and, for indicators, ``formula`` is
optional; names, descriptions, definitions and notes may be a plain string or
``{pl: ..., en: ...}``)::

    format: benchlearn-catalogue
    version: 1
    name: Oświata
    domains:
      - code: EDU
        name: {pl: Oświata, en: Education}
        description: {pl: Szkoły i przedszkola prowadzone przez gminę, en: Municipal schools}
    variables:
      - code: EDU_EXP
        name: {pl: Wydatki bieżące na oświatę, en: Current expenditure on education}
        unit: zł
        source: form            # form | survey | public_statistics
        min: 0
        domain: EDU             # groups the data-entry form; omit for shared context
      - code: PUPILS
        name: {pl: Liczba uczniów, en: Pupils}
        source: public_statistics
    indicators:
      - code: EDU_COST_PUPIL
        name: {pl: Wydatki bieżące na ucznia, en: Current expenditure per pupil}
        formula: EDU_EXP / PUPILS
        numerator: EDU_EXP      # declared parts give the group aggregate (ratio of sums)
        denominator: PUPILS
        unit: zł/ucznia
        polarity: lower         # higher | lower | neutral
        category: efficiency    # input | output | efficiency | quality | satisfaction | governance
        decimals: 0
        domain: EDU
    sets:
      - code: SET_EDU
        name: {pl: Modelowy zestaw wskaźników – oświata, en: Model indicator set – education}
        domain: EDU
        indicators: [EDU_COST_PUPIL]
        kinds: [gm, gw, gmw, mnpp]  # the kinds of unit it applies to (register codes:
                                    # gm gw gmw mnpp pow woj); omitted: every kind
    rules:                      # see rule_items.py: also compare/compare_per/plausible
      - code: EDU_CHECK_COST    # and bdl (a GUS BDL source, format 3) on variables
        left: EDU_EXP / PUPILS
        between: [8000, 50000]  # or operator: "<=" and right: ...
        severity: warning       # error | warning
        message: {pl: ..., en: ...}

Reading checks the structure and reports every problem with its line: unknown keys,
values of the wrong kind, domain and set codes given twice, a set naming a domain or an
indicator the file does not declare or listing an indicator twice, a set naming an
unknown kind of unit or one twice, and (when the file
declares domains) a variable or indicator in an undeclared domain. Formulas are checked
afterwards by the evaluator, against the codes the file declares.
"""

from benchlearn.engine.io.catalogue_yaml.keys import DEFAULT_CATALOGUE, FORMAT, VERSION
from benchlearn.engine.io.catalogue_yaml.reader import (
    catalogue_from_yaml,
    default_catalogue_text,
    item_lines,
    read_catalogue,
    read_default_catalogue,
)
from benchlearn.engine.io.catalogue_yaml.writer import catalogue_to_yaml

__all__ = [
    "DEFAULT_CATALOGUE",
    "FORMAT",
    "VERSION",
    "catalogue_from_yaml",
    "catalogue_to_yaml",
    "default_catalogue_text",
    "item_lines",
    "read_catalogue",
    "read_default_catalogue",
]
