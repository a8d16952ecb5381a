"""Reads of the indicator catalogue: pages, the engine's view of it, formula checks.

Every logged-in user may read the catalogue; only operators edit it (see
``benchlearn.accounts.access``).
"""

from benchlearn.catalogue.selectors.changelog import ChangeLine, ReleaseView, changelog_page
from benchlearn.catalogue.selectors.engine_view import (
    engine_catalogue,
    engine_catalogue_for_set,
    engine_indicator,
    engine_variable,
    rules_for_set,
)
from benchlearn.catalogue.selectors.formulas import (
    PREVIEW_UNITS,
    FormulaCheck,
    PartCheck,
    PreviewRow,
    UnknownCode,
    formula_check,
)
from benchlearn.catalogue.selectors.lookups import (
    current_version,
    current_versions,
    domain_get_for_user,
    indicator_get_for_user,
    indicator_set_get_for_user,
    set_current_version,
    set_indicator_codes,
    variable_get_for_user,
)
from benchlearn.catalogue.selectors.pages import (
    CataloguePage,
    DomainPage,
    DomainSection,
    IndicatorPage,
    SetPage,
    catalogue_history,
    catalogue_page_for,
    domain_page_for,
    indicator_choices,
    indicator_page_for,
    indicators_filtered,
    indicators_using,
    rules_filtered,
    set_page_for,
    unknown_filters,
    variable_history,
    variables_filtered,
)
from benchlearn.catalogue.selectors.rule_check import RuleCheck, SideCheck, rule_check
from benchlearn.catalogue.selectors.rules import (
    engine_rule,
    rule_get_for_user,
    rules_for_variables,
    rules_list,
    validation_rules,
)

__all__ = [
    "PREVIEW_UNITS",
    "CataloguePage",
    "ChangeLine",
    "DomainPage",
    "DomainSection",
    "FormulaCheck",
    "IndicatorPage",
    "PartCheck",
    "PreviewRow",
    "ReleaseView",
    "RuleCheck",
    "SetPage",
    "SideCheck",
    "UnknownCode",
    "catalogue_history",
    "catalogue_page_for",
    "changelog_page",
    "current_version",
    "current_versions",
    "domain_get_for_user",
    "domain_page_for",
    "engine_catalogue",
    "engine_catalogue_for_set",
    "engine_indicator",
    "engine_rule",
    "engine_variable",
    "formula_check",
    "indicator_choices",
    "indicator_get_for_user",
    "indicator_page_for",
    "indicator_set_get_for_user",
    "indicators_filtered",
    "indicators_using",
    "rule_check",
    "rule_get_for_user",
    "rules_filtered",
    "rules_for_set",
    "rules_for_variables",
    "rules_list",
    "set_current_version",
    "set_indicator_codes",
    "set_page_for",
    "unknown_filters",
    "validation_rules",
    "variable_get_for_user",
    "variable_history",
    "variables_filtered",
]
