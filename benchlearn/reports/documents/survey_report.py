"""A survey's results as PDFs (``typst/survey.typ``): a unit's report (its figures per
question, the distribution of the answers, how it is weighted; flagged in every page's
header when below the minimum) and the comparison across the survey's units (intervals
drawn, units named or lettered as on the page). Who reads what is ``results_pages``'
call, asked again when the document is made."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benchlearn.charts import Table, TableRow, number_formatter
from benchlearn.charts.intervals import IntervalItem, interval_chart
from benchlearn.reports.pdf import render_pdf
from benchlearn.surveys.models import Survey
from benchlearn.surveys.results import UnitResults, in_language, unit_results
from benchlearn.surveys.results_pages import survey_comparison
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def _plain(table: Table) -> dict[str, Any]:
    """A chart module's table as the template's data (dicts, not dataclasses)."""
    return {
        "headers": table.headers,
        "rows": [{"cells": row.cells, "own": row.own} for row in table.rows],
    }


def _below(result: UnitResults) -> str:
    return _(
        "Too few responses: %(n)s of the %(minimum)s needed. These results are indicative "
        "only: they are compared with no other unit and feed no indicator."
    ) % {"n": result.responses, "minimum": result.minimum}


def _figures_table(result: UnitResults) -> Table:
    number = number_formatter()
    rows = []
    for q in result.questions:
        if q.kind not in ("scale5", "nps", "number"):
            continue
        interval = f"{number(q.percent_low, 1)}–{number(q.percent_high, 1)}" if q.has_share else "—"
        rows.append(
            TableRow(
                cells=[
                    q.text,
                    str(q.n),
                    number(q.percent, 1) if q.has_share else "—",
                    interval,
                    number(q.mean, 2),
                    number(q.n_effective, 1),
                    number(q.design_effect, 2),
                ]
            )
        )
    return Table(
        headers=[
            _("Question"),
            _("Answers"),
            _("Satisfied (%)"),
            _("95% interval"),
            _("Mean"),
            _("Effective n"),
            _("Design effect"),
        ],
        rows=rows,
    )


def _weighting_lines(result: UnitResults, number: Callable[[float | None, int], str]) -> list[str]:
    """The design effect, the trimming and who could not be weighted (as on the page)."""
    lines = [
        _("Design effect of the weights: %(deff)s.") % {"deff": number(result.design_effect, 2)}
    ]
    if result.cap:
        decimals = next(d for d in (0, 1, 2) if round(result.cap, d) == result.cap or d == 2)
        lines.append(
            _(
                "Weights trimmed at %(cap)s × the unit's mean weight (the largest is "
                "%(largest)s × the mean)."
            )
            % {"cap": number(result.cap, decimals), "largest": number(result.max_weight, 2)}
        )
    if result.unweighted_respondents:
        count = result.unweighted_respondents
        lines.append(
            ngettext(
                "%(counter)s respondent could not be weighted (no sex or age band given): "
                "weight 1, the mean weight, and the answers counted.",
                "%(counter)s respondents could not be weighted (no sex or age band given): "
                "weight 1, the mean weight, and their answers counted.",
                count,
            )
            % {"counter": count}
        )
    return lines


def survey_unit_pdf(survey: Survey, unit: Unit) -> bytes:
    """A unit's results; the caller checked that the reader may see them."""
    result = unit_results(survey, unit)
    number = number_formatter()
    sections: list[dict[str, Any]] = [
        {
            "heading": _("Results by question"),
            "notes": [
                result.weighting_note,
                _(
                    "Satisfied: answers 4 and 5 of the 5-point scale, out of the answers 1–5 "
                    "(“don't know” and no answer left out). The 95% interval is Wilson's, on "
                    "the effective sample size where the answers are weighted."
                ),
            ],
            "table": _plain(_figures_table(result)),
            "numeric": list(range(1, 7)),
        }
    ]
    for q in result.questions:
        if q.distribution:
            table = Table(
                headers=[_("Answer"), _("Responses"), _("Share (%)")],
                rows=[
                    TableRow(cells=[bar.label, str(bar.count), number(bar.percent, 1)])
                    for bar in q.distribution
                ],
            )
            sections.append(
                {"heading": q.text, "notes": [], "table": _plain(table), "numeric": [1, 2]}
            )
    flags = [_below(result)] if result.below_minimum else []
    data = {
        "intro": [
            _("%(unit)s, %(year)s: %(n)s responses (minimum for comparisons: %(minimum)s).")
            % {
                "unit": unit.name,
                "year": survey.period,
                "n": result.responses,
                "minimum": result.minimum,
            },
        ]
        + (_weighting_lines(result, number) if result.weighted else []),
        "flags": flags,
        "sections": sections,
        "charts": [],
    }
    return render_pdf(
        template="survey.typ",
        data=data,
        title=f"{survey.name}: {unit.name}",
        data_version=_("indicative only: too few responses") if flags else "",
    )


def survey_comparison_pdf(user: AnyUser, survey: Survey) -> bytes:
    """The comparison of the survey's units at or above the minimum, as ``user`` reads
    it (names or letters)."""
    comparison = survey_comparison(user, survey)
    number = number_formatter()
    charts = []
    questions = survey.questionnaire_version.questions.filter(
        code__in=comparison.question_codes
    ).order_by("position", "pk")
    for question in questions:
        items = [
            IntervalItem(
                c.label, q.percent, q.percent_low or 0.0, q.percent_high or 0.0, q.n, c.own
            )
            for c in comparison.compared
            if (q := c.result.question(question.code)) is not None and q.percent is not None
        ]
        if items:
            title = in_language(question.text_pl, question.text_en)
            charts.append(interval_chart(title=title, items=items, label_title=_("Unit")))
    rows = [
        TableRow(
            cells=[
                c.label,
                str(c.result.responses),
                number(c.result.design_effect, 2) if c.result.weighted else "—",
            ],
            own=c.own,
        )
        for c in comparison.compared
    ]
    notes = [
        _("Only units with at least %(minimum)s responses are compared.")
        % {"minimum": survey.min_responses}
    ]
    if comparison.below:
        notes.append(
            _("Units with fewer responses, not shown: %(count)s.") % {"count": comparison.below}
        )
    data = {
        "intro": [],
        "flags": [],
        "sections": [
            {
                "heading": _("Units compared"),
                "notes": notes,
                "table": _plain(
                    Table(headers=[_("Unit"), _("Responses"), _("Design effect")], rows=rows)
                ),
                "numeric": [1, 2],
            }
        ],
        "charts": charts,
    }
    return render_pdf(
        template="survey.typ",
        data=data,
        title=_("%(survey)s: comparison of the units") % {"survey": survey.name},
    )
