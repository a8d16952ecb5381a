"""Catalogue objects looked up with access checks, and their current versions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, require
from benchlearn.catalogue.models import (
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorSetVersion,
    IndicatorVersion,
    Variable,
)
from benchlearn.engine.catalogue import valid_in

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def indicator_get_for_user(user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW) -> Indicator:
    indicator = Indicator.objects.filter(code=code).select_related("domain").first()
    if indicator is None:
        raise Http404(_("There is no indicator with code %(code)s.") % {"code": code})
    require(user, perm)
    return indicator


def variable_get_for_user(user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW) -> Variable:
    variable = Variable.objects.filter(code=code).select_related("domain").first()
    if variable is None:
        raise Http404(_("There is no variable with code %(code)s.") % {"code": code})
    require(user, perm)
    return variable


def indicator_set_get_for_user(
    user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW
) -> IndicatorSet:
    indicator_set = IndicatorSet.objects.filter(code=code).select_related("domain").first()
    if indicator_set is None:
        raise Http404(_("There is no indicator set with code %(code)s.") % {"code": code})
    require(user, perm)
    return indicator_set


def domain_get_for_user(user: AnyUser, code: str, perm: Perm = Perm.CATALOGUE_VIEW) -> Domain:
    domain = Domain.objects.filter(code=code).first()
    if domain is None:
        raise Http404(_("There is no domain with code %(code)s.") % {"code": code})
    require(user, perm)
    return domain


def current_version(indicator: Indicator) -> IndicatorVersion:
    """The indicator's highest-numbered version (every indicator has at least one)."""
    return indicator.versions.order_by("-number").first() or _no_version(indicator)


def _no_version(indicator: Indicator) -> IndicatorVersion:
    raise IndicatorVersion.DoesNotExist(f"indicator {indicator.code} has no version")


def current_versions() -> dict[int, IndicatorVersion]:
    """Every indicator's current version, by indicator id, in one query."""
    currents: dict[int, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator").order_by(
        "indicator_id", "-number"
    ):
        currents.setdefault(version.indicator_id, version)
    return currents


def in_force(versions: Iterable[IndicatorVersion]) -> list[IndicatorVersion]:
    """The versions of one indicator that some data year is computed with: each year
    takes the highest-numbered version valid in it, so a version whose years are all
    taken by higher-numbered ones is superseded. In number order."""
    ordered = sorted(versions, key=lambda v: v.number)
    bounds = {0}
    for v in ordered:
        bounds |= {v.valid_from or 0, (v.valid_to + 1) if v.valid_to is not None else 0}
    found = []
    for index, version in enumerate(ordered):
        higher = ordered[index + 1 :]
        for year in bounds:
            if valid_in(version.valid_from, version.valid_to, year) and not any(
                valid_in(h.valid_from, h.valid_to, year) for h in higher
            ):
                found.append(version)
                break
    return found


def effective_ranges(
    versions: Iterable[IndicatorVersion],
) -> list[tuple[IndicatorVersion, int | None, int | None]]:
    """The data years each version computes, as consecutive ranges in year order
    (None: open-ended); a version may have two ranges if a later one cut its middle."""
    versions = list(versions)
    bounds = sorted(
        {0}
        | {v.valid_from for v in versions if v.valid_from is not None}
        | {v.valid_to + 1 for v in versions if v.valid_to is not None}
    )
    ranges: list[tuple[IndicatorVersion, int | None, int | None]] = []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] - 1 if index + 1 < len(bounds) else None
        winner = version_for_year(versions, start)
        if winner is None:
            continue
        if ranges and ranges[-1][0].pk == winner.pk and ranges[-1][2] == start - 1:
            ranges[-1] = (winner, ranges[-1][1], end)
        else:
            ranges.append((winner, start or None, end))
    return ranges


def version_for_year(versions: Iterable[IndicatorVersion], year: int) -> IndicatorVersion | None:
    """Of one indicator's versions, the one a data year is computed with (the highest-
    numbered valid in it), or None."""
    valid = [v for v in versions if valid_in(v.valid_from, v.valid_to, year)]
    return max(valid, key=lambda v: v.number) if valid else None


def set_current_version(indicator_set: IndicatorSet) -> IndicatorSetVersion | None:
    return indicator_set.versions.order_by("-number").first()


def set_indicator_codes(indicator_set: IndicatorSet) -> list[str]:
    version = set_current_version(indicator_set)
    if version is None:
        return []
    return list(
        version.entries.order_by("order").values_list(
            "indicator_version__indicator__code", flat=True
        )
    )
