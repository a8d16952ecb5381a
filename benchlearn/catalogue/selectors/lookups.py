"""Catalogue objects looked up with access checks, and their current versions."""

from __future__ import annotations

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
