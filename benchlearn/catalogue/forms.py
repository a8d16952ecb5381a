from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from benchlearn.catalogue.models import Category, Domain, Polarity, Source

_CHECKED = ("formula", "numerator", "denominator")


def _domain_choices() -> list[tuple[str, Any]]:
    return [("", _("— shared by every domain —"))] + [
        (d.code, f"{d.name_pl} ({d.code})") for d in Domain.objects.order_by("position", "code")
    ]


class IndicatorForm(forms.Form):
    """An indicator's current version. ``base_number`` and ``base_token`` say which
    state the form was opened on, so that a save over someone else's edit is refused."""

    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[A-Za-z][A-Za-z0-9_]*$",
        max_length=64,
        help_text=_("Letters, digits and _, starting with a letter."),
    )
    name_pl = forms.CharField(label=_("Name (Polish)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    formula = forms.CharField(
        label=_("Formula"), widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"})
    )
    numerator = forms.CharField(
        label=_("Numerator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "spellcheck": "false"}),
        help_text=_("For ratio indicators: the group aggregate is the ratio of sums."),
    )
    denominator = forms.CharField(
        label=_("Denominator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "spellcheck": "false"}),
    )
    unit = forms.CharField(label=_("Unit of measure"), max_length=60, required=False)
    polarity = forms.ChoiceField(label=_("Polarity"), choices=Polarity.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    decimals = forms.IntegerField(label=_("Decimal places"), min_value=0, max_value=10, initial=2)
    notes_pl = forms.CharField(
        label=_("Methodology notes (Polish)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    notes_en = forms.CharField(
        label=_("Methodology notes (English)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    base_number = forms.IntegerField(required=False, widget=forms.HiddenInput)
    base_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = _domain_choices()  # type: ignore[attr-defined]
        if editing:
            self.fields["code"].disabled = True
        check_url = reverse("formula-check")
        for name in _CHECKED:
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": check_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#formula-check",
                    "hx-include": "[name=code],[name=formula],[name=numerator],"
                    "[name=denominator],[name=decimals]",
                    "aria-describedby": "formula-check",
                }
            )

    def version_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "formula",
                "numerator",
                "denominator",
                "polarity",
                "category",
                "decimals",
                "name_pl",
                "name_en",
                "unit",
                "notes_pl",
                "notes_en",
            )
        }


class VariableForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[A-Za-z][A-Za-z0-9_]*$",
        max_length=64,
        help_text=_("Letters, digits and _, starting with a letter."),
    )
    name_pl = forms.CharField(label=_("Name (Polish)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    unit = forms.CharField(label=_("Unit of measure"), max_length=60, required=False)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    minimum = forms.FloatField(label=_("Minimum"), required=False)
    maximum = forms.FloatField(label=_("Maximum"), required=False)
    definition_pl = forms.CharField(
        label=_("Definition (Polish)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    definition_en = forms.CharField(
        label=_("Definition (English)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    base_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = _domain_choices()  # type: ignore[attr-defined]
        if editing:
            self.fields["code"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("The maximum must not be below the minimum."))
        return data

    def variable_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "name_pl",
                "name_en",
                "unit",
                "source",
                "minimum",
                "maximum",
                "definition_pl",
                "definition_en",
            )
        }


class ImportForm(forms.Form):
    file = forms.FileField(label=_("YAML file"))
    dry_run = forms.BooleanField(label=_("Check only, change nothing"), required=False)
