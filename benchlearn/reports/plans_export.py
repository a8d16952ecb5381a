"""Every plan of an exchange group the reader may read as one workbook: a sheet of plans
and a sheet of actions, one row per indicator of an action with the "Did it work?"
figures (``plans.effects``; empty until the unit has a result after the baseline year,
and the group's figures empty where they are withheld from the reader)."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from benchlearn.plans.effects import PlanEffects
from benchlearn.plans.models import Plan
from benchlearn.reports.exports import Cell, Column, Sheet, book_to_xlsx

# Figures without an indicator (an action with none, or not computed) get two places.
DEFAULT_DECIMALS = 2


def plans_sheet(plans: list[Plan]) -> Sheet:
    sheet = Sheet(
        title=_("Plans"),
        columns=[
            Column(_("Unit TERYT")),
            Column(_("Unit")),
            Column(_("State")),
            Column(_("Kept private")),
            Column(_("Adopted")),
            Column(_("Actions"), decimals=0),
        ],
    )
    for plan in plans:
        sheet.rows.append(
            [
                plan.unit.teryt,
                plan.unit.name,
                str(plan.get_state_display()),
                _("yes") if plan.private else _("no"),
                formats.date_format(plan.adopted_at, "SHORT_DATE_FORMAT")
                if plan.adopted_at
                else "",
                len(plan.actions.all()),
            ]
        )
    return sheet


def actions_sheet(plans: list[Plan], effects: dict[int, PlanEffects]) -> Sheet:
    sheet = Sheet(
        title=_("Actions"),
        columns=[
            Column(_("Unit TERYT")),
            Column(_("Unit")),
            Column(_("State")),
            Column(pgettext("improvement plan", "Action")),
            Column(_("Status")),
            Column(_("Indicator code")),
            Column(_("Baseline"), row_decimals=True),
            Column(_("Baseline year")),
            Column(_("Target"), row_decimals=True),
            Column(_("Target year")),
            Column(_("Latest"), row_decimals=True),
            Column(_("Latest year")),
            Column(_("Group median change"), row_decimals=True),
            Column(_("Difference"), row_decimals=True),
        ],
    )
    for plan in plans:
        measured = effects.get(plan.pk, PlanEffects())
        start: list[Cell] = [plan.unit.teryt, plan.unit.name, str(plan.get_state_display())]
        for action in plan.actions.all():
            head = [*start, action.title, str(action.get_status_display())]
            rows = measured.of(action.pk)
            if not rows:
                sheet.rows.append([*head, *([None] * 8)])
                sheet.decimals.append(DEFAULT_DECIMALS)
            for row in rows:
                target = row.target
                sheet.rows.append(
                    [
                        *head,
                        target.indicator_code,
                        target.baseline,
                        target.baseline_year,
                        target.target,
                        target.target_year,
                        row.latest,
                        row.latest_year,
                        row.group_median_change,
                        row.difference,
                    ]
                )
                sheet.decimals.append(row.info.decimals if row.info else DEFAULT_DECIMALS)
    return sheet


def plans_xlsx(plans: list[Plan], effects: dict[int, PlanEffects]) -> bytes:
    """``plans`` (with their actions prefetched) as a workbook of two sheets."""
    return book_to_xlsx([plans_sheet(plans), actions_sheet(plans, effects)])
