"""Which indicators and domains have anything to show in a comparison and year: the
pages (and the PDF report) fold indicators without any value into one line naming them
and mark empty domains, instead of drawing empty tables and charts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from benchlearn.results.selectors.indicators import IndicatorInfo
from benchlearn.results.selectors.statistics import Stat


@dataclass(frozen=True)
class Coverage:
    """``shown``: the indicators with at least one value in the comparison and year,
    ``empty``: those without any (both in the order given); ``empty_domains``: codes of
    the domains none of whose indicators has a value."""

    shown: list[IndicatorInfo]
    empty: list[IndicatorInfo]
    empty_domains: frozenset[str]

    @property
    def empty_names(self) -> str:
        """The empty indicators' names, for the one line that names them."""
        return ", ".join(info.name for info in self.empty)


def coverage_of(
    indicators: Iterable[IndicatorInfo], stats: Mapping[tuple[str, int], Stat], year: int
) -> Coverage:
    """Split ``indicators`` by whether the comparison has any value of them in ``year``
    (``stats`` as ``comparison_stats`` gives them; no entry counts as no value). Reads
    nothing: the page has the statistics already."""
    shown: list[IndicatorInfo] = []
    empty: list[IndicatorInfo] = []
    for info in indicators:
        stat = stats.get((info.code, year))
        (shown if stat is not None and stat.n > 0 else empty).append(info)
    with_values = {info.domain for info in shown}
    empty_domains = frozenset(info.domain for info in empty if info.domain not in with_values)
    return Coverage(shown, empty, empty_domains)
