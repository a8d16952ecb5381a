"""The forms of a plan's pages: an action (with up to three indicators and targets),
and a progress report on one."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from benchlearn.accounts.models import User
from benchlearn.board.files import MAX_ATTACHMENTS
from benchlearn.board.forms import MultipleFileField
from benchlearn.meetings.models import Meeting
from benchlearn.plans.models import Action, ActionStatus, Inspiration, Plan
from benchlearn.plans.selectors import indicator_names
from benchlearn.plans.services import ActionInput, TargetInput
from benchlearn.units.models import Level, Unit

TARGET_ROWS = 3


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    owner_level = forms.ChoiceField(label=_("Owner's seat"), choices=Level.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    start_date = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))
    cost_estimate = forms.DecimalField(
        label=_("Cost estimate (PLN)"), max_digits=14, decimal_places=2, required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    drop_reason = forms.CharField(label=_("Why it was dropped"), required=False)
    milestones = forms.CharField(
        label=_("Milestones"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One a line: the date (YYYY-MM-DD), a space, what is done by then."),
    )
    inspired_kind = forms.ChoiceField(
        label=_("Inspired by"), choices=Inspiration.choices, required=False
    )
    inspired_unit = forms.ModelChoiceField(
        label=_("Peer unit"), queryset=Unit.objects.none(), required=False
    )
    inspired_meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.none(), required=False
    )
    inspired_text = forms.CharField(label=_("Inspiration"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        help_text=_("Needed once the plan is adopted: the change makes a new version."),
    )

    def __init__(self, *args: Any, plan: Plan, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            unit_memberships__unit=plan.unit
        ).order_by("full_name")
        self.fields["inspired_unit"].queryset = plan.group.units.exclude(pk=plan.unit_id)  # type: ignore[attr-defined]
        self.fields["inspired_meeting"].queryset = Meeting.objects.filter(group=plan.group)  # type: ignore[attr-defined]
        # The code and the name in the page's language: codes alone say little.
        names = indicator_names(set(codes), get_language() or "pl")
        choices = [("", "—")]
        for code in codes:
            choices.append((code, f"{code} — {names[code]}" if names.get(code) else code))
        for row in range(1, TARGET_ROWS + 1):
            self.fields[f"indicator_{row}"] = forms.ChoiceField(
                label=_("Indicator"), choices=choices, required=row == 1
            )
            self.fields[f"target_{row}"] = forms.FloatField(label=_("Target"), required=False)
            self.fields[f"target_year_{row}"] = forms.IntegerField(
                label=_("Target year"), required=False
            )

    def target_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return [
            (self[f"indicator_{row}"], self[f"target_{row}"], self[f"target_year_{row}"])
            for row in range(1, TARGET_ROWS + 1)
        ]

    def clean_milestones(self) -> list[dict[str, str]]:
        found = []
        for line in str(self.cleaned_data.get("milestones") or "").splitlines():
            if not line.strip():
                continue
            day, _space, title = line.strip().partition(" ")
            try:
                datetime.date.fromisoformat(day)
            except ValueError:
                raise forms.ValidationError(
                    _("A milestone starts with its date (YYYY-MM-DD): %(line)s"),
                    params={"line": line.strip()[:60]},
                ) from None
            found.append({"date": day, "title": title.strip()})
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, TARGET_ROWS + 1):
            code = data.get(f"indicator_{row}")
            if code and (
                data.get(f"target_{row}") is None or data.get(f"target_year_{row}") is None
            ):
                self.add_error(
                    f"target_{row}",
                    _("Give the target value and year of %(code)s.") % {"code": code},
                )
        return data

    def action_input(self) -> ActionInput:
        data = self.cleaned_data
        return ActionInput(
            title=data["title"],
            description=data["description"],
            owner_level=data["owner_level"],
            owner=data["owner"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            cost_estimate=data["cost_estimate"],
            status=data["status"],
            drop_reason=data["drop_reason"],
            milestones=data["milestones"],
            inspired_kind=data["inspired_kind"] or "",
            inspired_unit=data["inspired_unit"],
            inspired_meeting=data["inspired_meeting"],
            inspired_text=data["inspired_text"],
            indicators=[
                TargetInput(
                    data[f"indicator_{row}"], data[f"target_{row}"], data[f"target_year_{row}"]
                )
                for row in range(1, TARGET_ROWS + 1)
                if data.get(f"indicator_{row}")
            ],
        )


def action_initial(action: Action) -> dict[str, Any]:
    """The form's values for an action as stored."""
    initial: dict[str, Any] = {
        name: getattr(action, name)
        for name in (
            "title", "description", "owner_level", "owner", "start_date", "end_date",
            "cost_estimate", "status", "drop_reason", "inspired_kind", "inspired_unit",
            "inspired_meeting", "inspired_text",
        )
    }  # fmt: skip
    initial["milestones"] = "\n".join(f"{m['date']} {m['title']}" for m in action.milestones)
    for row, target in enumerate(action.indicators.all(), start=1):
        initial[f"indicator_{row}"] = target.indicator_code
        initial[f"target_{row}"] = target.target
        initial[f"target_year_{row}"] = target.target_year
    return initial


class ProgressForm(forms.Form):
    """A progress report on one action: the checks (0–100, some text, the files) are
    the service's, so that every way in gets the same messages."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    percent_done = forms.IntegerField(
        label=_("Per cent done"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        help_text=_("From 0 to 100; “done” counts as 100."),
    )
    done_text = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("What shows it: a decision, a document, figures, an address."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to %(count)s files: PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG or JPG.")
        % {"count": MAX_ATTACHMENTS},
    )
