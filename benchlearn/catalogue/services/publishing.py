"""Publishing: current indicator versions published, set versions pinned."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import (
    CatalogueChange,
    Indicator,
    IndicatorSet,
    IndicatorSetVersion,
    IndicatorVersion,
)
from benchlearn.catalogue.selectors import (
    current_version,
    in_force,
)
from benchlearn.catalogue.services.common import (
    record_change,
)
from benchlearn.catalogue.services.sets import set_entries


@dataclass
class PublishSummary:
    indicators: list[str] = field(default_factory=list)  # "CODE v2"
    sets: list[str] = field(default_factory=list)


@transaction.atomic
def catalogue_publish(*, user: User | None) -> PublishSummary:
    """Publish every current unpublished indicator version, and pin the current indicator
    versions in a published version of every set whose membership or versions changed."""
    now = timezone.now()
    summary = PublishSummary()
    currents: dict[int, IndicatorVersion] = {}
    for indicator in Indicator.objects.order_by("position", "code"):
        currents[indicator.pk] = current_version(indicator)
        # The current version and the versions other data years are computed with.
        for version in in_force(indicator.versions.all()):
            if version.published_at is not None:
                continue
            version.published_at = now
            version.save(update_fields=["published_at"])
            summary.indicators.append(f"{indicator.code} v{version.number}")
            record_change(
                object_type="indicator",
                code=indicator.code,
                kind=CatalogueChange.Kind.PUBLISHED,
                user=user,
                version_number=version.number,
                at=now,
            )
    for indicator_set in IndicatorSet.objects.order_by("position", "code"):
        set_version = indicator_set.versions.order_by("-number").first()
        if set_version is None:
            continue
        entries = list(set_version.entries.select_related("indicator_version").order_by("order"))
        wanted = [currents[e.indicator_version.indicator_id] for e in entries]
        pinned = [e.indicator_version for e in entries]
        if set_version.published_at is not None:
            if [v.pk for v in wanted] == [v.pk for v in pinned]:
                continue
            set_version = IndicatorSetVersion.objects.create(
                set=indicator_set, number=set_version.number + 1, created_at=now
            )
        else:
            set_version.entries.all().delete()
        set_entries(set_version, wanted)
        set_version.published_at = now
        set_version.save(update_fields=["published_at"])
        summary.sets.append(f"{indicator_set.code} v{set_version.number}")
    return summary
