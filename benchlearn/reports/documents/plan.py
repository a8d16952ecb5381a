"""A unit's improvement plan as a PDF: a cover, the diagnosis, the actions with their
indicators (baseline, target, status) and, for each, whether it worked (the plan page's
"Did it work?" figures and chart, from ``plans.effects``). Made with what the person who
asks may see: the plan page's access rule, and the group's figures withheld as there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from benchlearn.charts import number_formatter
from benchlearn.plans.effects import PlanEffects, plan_effects
from benchlearn.plans.models import Action, DiagnosisItem, Plan
from benchlearn.reports.documents.common import PAPER_CHART_WIDTH, on_paper, table_of, table_row
from benchlearn.reports.documents.summary import cover
from benchlearn.reports.pdf import render_pdf
from benchlearn.results.selectors.computations import current_computation

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


@dataclass
class PlanDocument:
    plan: Plan
    diagnosis: list[DiagnosisItem]
    actions: list[Action]
    effects: PlanEffects
    data_version: str


def plan_document_for(user: AnyUser, plan: Plan) -> PlanDocument:
    """What the PDF of ``plan`` (from ``plan_get_for_user``) holds for ``user``."""
    computation = current_computation()
    return PlanDocument(
        plan=plan,
        diagnosis=list(plan.diagnosis.filter(kept=True)),
        actions=list(plan.actions.prefetch_related("indicators").select_related("owner")),
        effects=plan_effects(user, plan),
        data_version=computation.data_version if computation else "",
    )


def plan_title(plan: Plan) -> str:
    return _("Improvement plan: %(unit)s") % {"unit": plan.unit.name}


def plan_pdf(document: PlanDocument) -> bytes:
    """The plan as a PDF (``typst/plan.typ``)."""
    title = plan_title(document.plan)
    return render_pdf(
        template="plan.typ",
        data=_plan_data(document, title=title),
        title=title,
        data_version=document.data_version,
    )


def _plan_data(document: PlanDocument, *, title: str) -> dict[str, Any]:
    plan = document.plan
    facts = [
        (_("Unit"), f"{plan.unit.name} ({plan.unit.teryt})"),
        (_("Exchange group"), f"{plan.group.name} {plan.group.cycle_label}"),
        (_("State"), str(plan.get_state_display())),
    ]
    if plan.adopted_at:
        facts.append((_("Adopted"), formats.date_format(plan.adopted_at, "j E Y")))
    return {
        "cover": cover(
            title=title,
            subtitle=[
                _(
                    "The diagnosis, the actions with their indicators, baselines and "
                    "targets, and whether they worked: the unit's change against the group's."
                )
            ],
            facts=facts,
            date=timezone.localdate(),
        ),
        "diagnosis": _diagnosis(document),
        "actions": _actions(document),
    }


def _diagnosis(document: PlanDocument) -> dict[str, Any]:
    number = number_formatter()
    rows = [
        table_row(
            item.indicator_code,
            str(item.get_reason_display()),
            number(item.value, 2),
            str(item.year),
            number(item.group_median, 2),
            number(item.gap, 2),
            item.comment,
        )
        for item in document.diagnosis
    ]
    headers = [_("Indicator"), _("Why"), _("Value"), _("Year"), _("Group median"), _("Gap")]
    return {
        "heading": _("Diagnosis"),
        "table": table_of([*headers, _("Comment")], rows) if rows else None,
        "empty": _("No indicator where the unit stands weakest in its group."),
    }


def _actions(document: PlanDocument) -> dict[str, Any]:
    number = number_formatter()
    effects = document.effects
    intro = effects.no_results or effects.withheld
    items = []
    for action in document.actions:
        targets = [
            table_row(
                target.indicator_code,
                number(target.baseline, 2)
                + (f" ({target.baseline_year})" if target.baseline_year else ""),
                f"{number(target.target, 2)} ({target.target_year})",
            )
            for target in action.indicators.all()
        ]
        measured = []
        for row in effects.of(action.pk):
            measured.append(
                {
                    "heading": row.info.name if row.info else row.code,
                    "facts": table_of(
                        [_("Figure"), _("Value")], [table_row(k, v) for k, v in row.facts]
                    )
                    if row.facts
                    else None,
                    "note": row.note or None,
                    "chart": on_paper(row.chart, width=PAPER_CHART_WIDTH) if row.chart else None,
                }
            )
        status = str(action.get_status_display())
        if action.drop_reason:
            status += f" ({action.drop_reason})"
        items.append(
            {
                "title": action.title,
                "description": action.description,
                "meta": [
                    f"{_('Status')}: {status}",
                    f"{_('Owner')}: {action.get_owner_level_display()}"
                    + (f" — {action.owner.full_name}" if action.owner else ""),
                    f"{formats.date_format(action.start_date, 'SHORT_DATE_FORMAT')} – "
                    f"{formats.date_format(action.end_date, 'SHORT_DATE_FORMAT')}",
                ],
                "targets": table_of([_("Indicator"), _("Baseline"), _("Target")], targets)
                if targets
                else None,
                "effects": measured,
            }
        )
    return {
        "heading": _("Actions"),
        "effects-heading": _("Did it work?"),
        "intro": intro or None,
        "items": items,
        "empty": _("No actions yet."),
    }
