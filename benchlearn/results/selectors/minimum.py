"""The programme's minimum group size for published figures: an exchange group of a
programme whose members with data are fewer than the programme's minimum shows its
statistics (median, quartiles, the figures by form of delivery) to the association's
office only; everyone else reads why they are not shown. One function decides, for
every page and document that shows a group's statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, may
from benchlearn.results.cache import remembered
from benchlearn.results.models import ComparisonGroup, ComparisonKind, Computation, GroupStat

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def units_with_data(group: ComparisonGroup, computation: Computation) -> int:
    """How many members of the stored group have a value, in the indicator and year
    that most of them have one (its statistics' largest ``n``)."""
    return remembered(
        computation,
        ("with-data", group.pk),
        lambda: GroupStat.objects.filter(group=group).aggregate(most=Max("n"))["most"] or 0,
        lambda _count: 100,
    )


def group_figures_withheld(
    user: AnyUser, group: ComparisonGroup | None, computation: Computation
) -> str:
    """Why ``user`` is not shown the statistics of ``group`` (a sentence), or "" when
    they are shown: the office sees them always; the programme-wide comparisons and
    the groups of no programme have no minimum."""
    if group is None or group.kind != ComparisonKind.EXCHANGE:
        return ""
    exchange = group.exchange_group
    programme = exchange.programme if exchange is not None else None
    if exchange is None or programme is None or may(user, Perm.PROGRAMME_MANAGE):
        return ""
    count = units_with_data(group, computation)
    if count >= programme.min_group_size:
        return ""
    return _(
        "The group's statistics (median, quartiles, figures by form of delivery) are not "
        "shown: %(group)s has data from %(count)s units, and the programme %(programme)s "
        "shows them from %(minimum)s units, so that no unit's figures can be told from them."
    ) % {
        "group": exchange.name,
        "count": count,
        "programme": programme.name,
        "minimum": programme.min_group_size,
    }
