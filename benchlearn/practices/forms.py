"""The forms of the practices' pages: the search (parsed once, here, into a
``PracticeQuery``), a practice (with up to three indicators measured before and
after), a new practice's unit, and a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from benchlearn.board.files import MAX_ATTACHMENTS, allowed_names
from benchlearn.catalogue.models import Domain, IndicatorVersion
from benchlearn.delivery.models import DeliveryForm
from benchlearn.groups.models import ExchangeGroup
from benchlearn.practices.models import Audience, Practice
from benchlearn.practices.search import PracticeQuery
from benchlearn.practices.services import IndicatorInput, PracticeInput
from benchlearn.units.models import Unit

INDICATOR_ROWS = 3


class PracticeSearchForm(forms.Form):
    """The search's parameters; facet values are checked against what exists by
    ``search.facet_problems`` (one message per unknown value)."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    domain = forms.CharField(max_length=64, required=False)
    indicator = forms.CharField(max_length=64, required=False)
    kind = forms.CharField(max_length=8, required=False)
    band = forms.CharField(max_length=16, required=False)
    voivodeship = forms.CharField(max_length=40, required=False)
    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def query(self) -> PracticeQuery:
        data = self.cleaned_data
        return PracticeQuery(
            q=data["q"].strip(),
            domain=data["domain"].strip(),
            indicator=data["indicator"].strip(),
            kind=data["kind"].strip(),
            band=data["band"].strip(),
            voivodeship=data["voivodeship"].strip(),
        )

    def page_number(self) -> int:
        return self.cleaned_data["page"] or 1


def indicator_choices() -> list[tuple[str, str]]:
    """Every indicator of the catalogue by code and name (the newest version's)."""
    english = (get_language() or "pl").startswith("en")
    names: dict[str, str] = {}
    rows = IndicatorVersion.objects.order_by("number").values_list(
        "indicator__code", "name_pl", "name_en"
    )
    for code, name_pl, name_en in rows:
        names[code] = name_en if english and name_en else name_pl
    return [("", "—")] + [(code, f"{code} — {names[code]}") for code in sorted(names)]


class NewPracticeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PracticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    domain = forms.ModelChoiceField(
        label=_("Domain"), queryset=Domain.objects.order_by("position", "code"), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Exchange group"),
        queryset=ExchangeGroup.objects.none(),
        required=False,
        help_text=_("Its moderator reviews the practice."),
    )
    problem = forms.CharField(
        label=_("The problem"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    solution = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    results = forms.CharField(
        label=_("Results"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("In words; the indicators below are measured on the stored results."),
    )
    cost = forms.DecimalField(
        label=_("Cost (PLN)"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    cost_note = forms.CharField(label=_("About the cost"), max_length=300, required=False)
    delivery_form = forms.ChoiceField(
        label=_("Organisational form"),
        choices=[("", "—"), *DeliveryForm.choices],
        required=False,
    )
    months_to_implement = forms.IntegerField(
        label=_("Time to implement (months)"), min_value=0, max_value=240, required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact telephone"), max_length=40, required=False)
    tags = forms.CharField(
        label=_("Tags"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas, e.g. “selective collection, education”."),
    )
    audience = forms.ChoiceField(
        label=_("Publish to"), choices=Audience.choices, widget=forms.RadioSelect
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = practice.unit.exchange_groups.order_by("name")  # type: ignore[attr-defined]
        choices = indicator_choices()
        for row in range(1, INDICATOR_ROWS + 1):
            self.fields[f"indicator_{row}"] = forms.ChoiceField(
                label=_("Indicator"), choices=choices, required=False
            )
            self.fields[f"before_{row}"] = forms.IntegerField(
                label=_("Year before"), min_value=1990, max_value=2100, required=False
            )
            self.fields[f"after_{row}"] = forms.IntegerField(
                label=_("Year after"),
                min_value=1990,
                max_value=2100,
                required=False,
                help_text=_("Empty: the latest result."),
            )

    def indicator_rows(self) -> list[tuple[forms.BoundField, ...]]:
        return [
            (self[f"indicator_{row}"], self[f"before_{row}"], self[f"after_{row}"])
            for row in range(1, INDICATOR_ROWS + 1)
        ]

    def plain_fields(self) -> list[forms.BoundField]:
        rows = {
            f"{prefix}_{row}" for row in range(1, 4) for prefix in ("indicator", "before", "after")
        }
        return [self[name] for name in self.fields if name not in rows and name != "revision"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, INDICATOR_ROWS + 1):
            if data.get(f"indicator_{row}") and data.get(f"before_{row}") is None:
                self.add_error(
                    f"before_{row}",
                    _("Give the year before the practice for %(code)s.")
                    % {"code": data[f"indicator_{row}"]},
                )
        return data

    def practice_input(self) -> PracticeInput:
        data = self.cleaned_data
        return PracticeInput(
            title=data["title"],
            problem=data["problem"],
            solution=data["solution"],
            results=data["results"],
            domain=data["domain"],
            group=data["group"],
            cost=data["cost"],
            cost_note=data["cost_note"],
            delivery_form=data["delivery_form"],
            months_to_implement=data["months_to_implement"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            tags=[tag for tag in data["tags"].split(",") if tag.strip()],
            audience=data["audience"],
            indicators=[
                IndicatorInput(
                    data[f"indicator_{row}"], data[f"before_{row}"], data[f"after_{row}"]
                )
                for row in range(1, INDICATOR_ROWS + 1)
                if data.get(f"indicator_{row}")
            ],
        )


def practice_initial(practice: Practice) -> dict[str, Any]:
    """The form's values for the practice as stored (with the revision it shows)."""
    initial: dict[str, Any] = {
        name: getattr(practice, name)
        for name in (
            "title", "domain", "group", "problem", "solution", "results", "cost", "cost_note",
            "delivery_form", "months_to_implement", "contact_name", "contact_email",
            "contact_phone", "audience", "revision",
        )
    }  # fmt: skip
    initial["tags"] = ", ".join(practice.tags)
    for row, measured in enumerate(practice.indicators.select_related("indicator"), start=1):
        if row > INDICATOR_ROWS:
            break
        initial[f"indicator_{row}"] = measured.indicator.code
        initial[f"before_{row}"] = measured.before_year
        initial[f"after_{row}"] = measured.after_year
    return initial


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Up to %(count)s files: %(types)s.")
        % {"count": MAX_ATTACHMENTS, "types": allowed_names()},
    )
