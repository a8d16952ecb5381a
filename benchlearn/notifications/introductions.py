"""The units a comparison shows by letter, as a person may ask to be introduced to
them: each with an opaque reference (keyed with a server-side secret), so that a form
never holds a unit's id and the letter is resolved on the server only."""

from __future__ import annotations

from django.utils.crypto import salted_hmac

from benchlearn.results.pages import Context
from benchlearn.results.selectors import (
    IndicatorInfo,
    indicator_values,
    letter_order,
    member_ids,
    ordered_labels,
    unit_names,
)


def _reference(context: Context, topic: str, member: int) -> str:
    unit = context.unit.pk
    scope = f"{context.computation.pk}:{context.comparison.choice}:{topic}:{unit}:{member}"
    return salted_hmac("benchlearn.notifications.introduction", scope).hexdigest()[:32]


def member_reference(context: Context, indicator: IndicatorInfo | None, member: int) -> str:
    """The reference of ``member`` on the form of ``anonymised_members`` for the same
    comparison and indicator (a link that chooses the unit in advance)."""
    topic = "" if indicator is None else f"{indicator.code}:{context.year}"
    return _reference(context, topic, member)


def anonymised_members(
    context: Context, indicator: IndicatorInfo | None
) -> dict[str, tuple[int, str]]:
    """reference → (unit id, letter) for the comparison's units shown by letter: the
    letters of the indicator's page (they run down its table), or of the comparison."""
    if context.comparison.names_shown:
        return {}
    unit, computation = context.unit, context.computation
    members = member_ids(context.comparison, unit, computation)
    names = unit_names([*members, unit.pk])
    topic = ""
    if indicator is None:
        order, labels = ordered_labels(context.comparison, unit, names, computation)
    else:
        values = indicator_values(computation, indicator.pk, context.year, members)
        topic = f"{indicator.code}:{context.year}"
        order, labels = ordered_labels(
            context.comparison,
            unit,
            names,
            computation,
            by=letter_order({pk: v for pk, (v, _flag) in values.items()}, indicator.polarity),
            topic=topic,
        )
    others = sorted(
        (pk for pk in order if pk != unit.pk), key=lambda pk: (len(labels[pk]), labels[pk])
    )
    return {_reference(context, topic, pk): (pk, labels[pk]) for pk in others}
