"""The meetings' forms: the cycle's plan, a meeting, its minutes, actions and files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.models import (
    MEETINGS_PER_CYCLE,
    ActionKind,
    AttachmentKind,
    MeetingState,
)
from benchlearn.units.models import Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.email)


def _offer_hosts(form: forms.Form, group: ExchangeGroup) -> None:
    """The members are offered; a unit posted that is not one reaches the service, which
    refuses it with its own message (a form tampered with, a member who left meanwhile)."""
    raw = form.data.get(form.add_prefix("host")) if form.is_bound else None
    posted = [int(raw)] if raw and str(raw).isdigit() else []
    field = form.fields["host"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = Unit.objects.filter(
        Q(pk__in=group.units.values("pk")) | Q(pk__in=posted)
    ).order_by("name")


class PlanRowForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    start_time = forms.TimeField(label=_("starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("ends at"), widget=TIME)
    host = UnitChoice(label=_("host"), queryset=Unit.objects.none())
    place = forms.CharField(
        label=_("place"),
        max_length=300,
        required=False,
        help_text=_("Empty: the host's office."),
    )

    def __init__(self, *args: Any, group: ExchangeGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_hosts(self, group)


PlanFormSet = forms.formset_factory(
    PlanRowForm,
    extra=0,
    min_num=MEETINGS_PER_CYCLE,
    max_num=MEETINGS_PER_CYCLE,
    validate_min=True,
    validate_max=True,
)


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    start_time = forms.TimeField(label=_("starts at"), widget=TIME)
    end_time = forms.TimeField(label=_("ends at"), widget=TIME)
    host = UnitChoice(label=_("host"), queryset=Unit.objects.none())
    place = forms.CharField(label=_("place"), max_length=300, required=False)
    state = forms.ChoiceField(label=_("state"), choices=MeetingState.choices)
    practice_title = forms.CharField(
        label=_("the host's practice: title"), max_length=300, required=False
    )
    practice_summary = forms.CharField(
        label=_("the host's practice: summary"), widget=forms.Textarea, required=False
    )
    agenda = forms.CharField(
        label=_("agenda"),
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_("One item a line, in their order."),
    )

    def __init__(self, *args: Any, group: ExchangeGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_hosts(self, group)


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("minutes"), widget=forms.Textarea(attrs={"rows": 14}), required=False
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ActionKind.choices)
    text = forms.CharField(label=_("text"), max_length=500)
    owner = PersonChoice(label=_("owner"), queryset=User.objects.none(), required=False)
    due = forms.DateField(label=_("due"), widget=DATE, required=False)

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(pk__in=[p.pk for p in people])


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("file"),
        help_text=_("PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG or JPG."),
    )
