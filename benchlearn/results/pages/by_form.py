"""An indicator's values grouped by organisational form of delivery: per form, how many
units have a value, the median and the quartiles.

A unit is counted under its main form for the indicator's service (domain) in the
year: the form with the largest share (``delivery.selectors.main_forms``); units that
recorded none make a line of their own. Where the other units are not named, a line
of fewer than ``FEWEST_SHOWN`` units would come close to naming them: such forms are
folded into one line of "other forms", and a line (that one, or the units without a
recorded form) still under the limit is left out, with a note saying how many units
are not shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from benchlearn.delivery.models import DeliveryForm
from benchlearn.delivery.selectors import form_label, main_forms
from benchlearn.engine.stats import summary_of

FEWEST_SHOWN = 3
NOT_RECORDED = ""
FOLDED = "*"


@dataclass(frozen=True)
class FormRow:
    form: str  # a DeliveryForm code, NOT_RECORDED or FOLDED
    n: int
    median: float | None
    q1: float | None
    q3: float | None
    own: bool  # the viewer's unit is counted in this line

    @property
    def label(self) -> str:
        if self.form == NOT_RECORDED:
            return _("form not recorded")
        if self.form == FOLDED:
            return _("other forms (fewer than %(fewest)s units each)") % {"fewest": FEWEST_SHOWN}
        return form_label(self.form)


@dataclass(frozen=True)
class FormTable:
    rows: list[FormRow]
    recorded: int  # units of the comparison with a value and a recorded form
    left_out: int  # units with a value in lines not shown
    names_shown: bool


def form_rows(
    values: Mapping[int, float | None],
    forms: Mapping[int, str],
    *,
    own: int | None,
    names_shown: bool,
    polarity: str,
) -> FormTable:
    """Unit id -> value and unit id -> main form, grouped (see the module's doc); lines
    in the forms' order, then the units without a form, then the folded forms."""
    by_form: dict[str, list[int]] = {}
    for pk, value in values.items():
        if value is None or not np.isfinite(value):
            continue
        by_form.setdefault(forms.get(pk, NOT_RECORDED), []).append(pk)
    order = [*DeliveryForm.values, NOT_RECORDED]
    lines = [(form, by_form[form]) for form in order if form in by_form]
    left_out = 0
    if not names_shown:
        small = [(f, pks) for f, pks in lines if len(pks) < FEWEST_SHOWN]
        lines = [(f, pks) for f, pks in lines if len(pks) >= FEWEST_SHOWN]
        folded = [pk for f, pks in small if f != NOT_RECORDED for pk in pks]
        unrecorded = [pk for f, pks in small if f == NOT_RECORDED for pk in pks]
        if len(folded) >= FEWEST_SHOWN:
            lines.append((FOLDED, folded))
        else:
            left_out += len(folded)
        left_out += len(unrecorded)
    rows = []
    for form, pks in lines:
        summary = summary_of(np.array([values[pk] for pk in pks], dtype=np.float64), polarity)
        rows.append(
            FormRow(
                form=form,
                n=len(pks),
                median=_float(summary["median"]),
                q1=_float(summary["q1"]),
                q3=_float(summary["q3"]),
                own=own in pks,
            )
        )
    recorded = sum(
        1
        for pk, value in values.items()
        if pk in forms and value is not None and np.isfinite(value)
    )
    return FormTable(rows, recorded, left_out, names_shown)


def form_table_for(
    values: Mapping[int, float | None],
    *,
    domain: str,
    period: int,
    own: int | None,
    names_shown: bool,
    polarity: str,
) -> FormTable | None:
    """``form_rows`` of the comparison's values of an indicator of ``domain`` (None for an
    indicator of no domain): one query for the units' forms."""
    if not domain:
        return None
    forms = main_forms(values.keys(), domain, period)
    return form_rows(values, forms, own=own, names_shown=names_shown, polarity=polarity)


def _float(figure: float | int | None) -> float | None:
    return None if figure is None else float(figure)
