"""Reads of stored results for the comparison pages, each taking the viewer.

Nothing here runs the engine over the programme: pages read the newest finished
computation. A unit is placed in its group from the group's stored statistics and
sorted values (``position_in_group``); only the nearest-neighbours comparison, a
group of its own for every unit, is summarised here from the neighbours' stored
results (a dozen values per indicator).
"""

from benchlearn.results.selectors.comparisons import (
    IN_LIST_LIMIT,
    Comparison,
    comparison_get,
    comparisons_for,
    labels_for,
    labels_from_names,
    letter_order,
    member_ids,
    ordered_labels,
    unit_names,
)
from benchlearn.results.selectors.computations import (
    GroupResults,
    computation_latest,
    current_computation,
    group_results_for,
)
from benchlearn.results.selectors.coverage import Coverage, coverage_of
from benchlearn.results.selectors.indicators import (
    IndicatorInfo,
    computed_indicators,
    domains_in,
    result_periods,
    unit_indicator_codes,
)
from benchlearn.results.selectors.minimum import group_figures_withheld
from benchlearn.results.selectors.statistics import (
    Stat,
    comparison_stats,
    indicator_values,
    place,
    unit_results,
)
from benchlearn.results.selectors.unit_rows import (
    Placing,
    UnitResultRow,
    UnitResultRows,
    unit_result_rows,
)

__all__ = [
    "IN_LIST_LIMIT",
    "Comparison",
    "Coverage",
    "GroupResults",
    "IndicatorInfo",
    "Placing",
    "Stat",
    "UnitResultRow",
    "UnitResultRows",
    "comparison_get",
    "comparison_stats",
    "comparisons_for",
    "computation_latest",
    "computed_indicators",
    "coverage_of",
    "current_computation",
    "domains_in",
    "group_figures_withheld",
    "group_results_for",
    "indicator_values",
    "labels_for",
    "labels_from_names",
    "letter_order",
    "member_ids",
    "ordered_labels",
    "place",
    "result_periods",
    "unit_indicator_codes",
    "unit_names",
    "unit_result_rows",
    "unit_results",
]
