"""The forms of a person's competency pages: an assessment (a level and evidence per
competency, with the revision it was opened at) and a development goal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from benchlearn.competencies.goals import MAX_TEXT
from benchlearn.competencies.models import LEVELS, DevelopmentGoal, Stage
from benchlearn.competencies.selectors import CompetencyRow
from benchlearn.competencies.services import MAX_EVIDENCE, Ratings

SAVE = "save"
SUBMIT = "submit"


@dataclass
class FormRow:
    row: CompetencyRow
    level: BoundField
    evidence: BoundField

    @property
    def chosen(self) -> str:
        value = self.level.value()
        return "" if value is None else str(value)


def level_field(code: str) -> str:
    return f"level_{code}"


def evidence_field(code: str) -> str:
    return f"evidence_{code}"


class AssessmentForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    action = forms.ChoiceField(
        choices=[(SAVE, SAVE), (SUBMIT, SUBMIT)], required=False, widget=forms.HiddenInput
    )

    def __init__(self, rows: list[CompetencyRow], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competency_rows = rows
        choices = [("", "—"), *[(str(level), str(level)) for level in LEVELS]]
        for row in rows:
            code = row.competency.code
            self.fields[level_field(code)] = forms.TypedChoiceField(
                label=row.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choose a level from 1 to 4.")},
            )
            self.fields[evidence_field(code)] = forms.CharField(
                label=_("Evidence (examples from your work)"),
                required=False,
                max_length=MAX_EVIDENCE,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self) -> list[FormRow]:
        return [
            FormRow(
                row=row,
                level=self[level_field(row.competency.code)],
                evidence=self[evidence_field(row.competency.code)],
            )
            for row in self.competency_rows
        ]

    def ratings(self) -> Ratings:
        data = self.cleaned_data
        return {
            row.competency.code: (
                data.get(level_field(row.competency.code)),
                data.get(evidence_field(row.competency.code)) or "",
            )
            for row in self.competency_rows
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        codes = {row.competency.code for row in self.competency_rows}
        for key, messages in errors.items():
            name = level_field(key) if key in codes else None
            for message in messages:
                self.add_error(name, message)


def assessment_initial(
    assessment_ratings: dict[str, tuple[int, str]], revision: int
) -> dict[str, Any]:
    initial: dict[str, Any] = {"revision": revision}
    for code, (level, evidence) in assessment_ratings.items():
        initial[level_field(code)] = str(level)
        initial[evidence_field(code)] = evidence
    return initial


class StartForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)
    person = forms.IntegerField(required=False, min_value=1)


class GoalForm(forms.Form):
    competency_code = forms.ChoiceField(label=_("Competency"))
    text = forms.CharField(
        label=_("Goal"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What will you do, and how will you know you have achieved it?"),
    )
    due = forms.DateField(
        label=_("By (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, choices: list[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["competency_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *choices]

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


def goal_initial(goal: DevelopmentGoal) -> dict[str, Any]:
    return {
        "competency_code": goal.competency_code,
        "text": goal.text,
        "due": goal.due,
        "revision": goal.revision,
    }
