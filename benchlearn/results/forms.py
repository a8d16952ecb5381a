"""The operator's editor of DEA models: inputs and outputs picked from the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from benchlearn.catalogue.models import Domain, IndicatorVersion, Variable
from benchlearn.results.models import EfficiencyModel, Orientation, Reference, Rts

RTS_EXPLAINED = [
    (
        Rts.VRS,
        _(
            "variable returns to scale: a unit is compared with units of a similar size "
            "(fairer to very small and very large units)"
        ),
    ),
    (
        Rts.CRS,
        _(
            "constant returns to scale: a unit twice as large should deliver twice as much "
            "(size is no excuse)"
        ),
    ),
]
ORIENTATION_EXPLAINED = [
    (
        Orientation.INPUT,
        _("inputs: how much less could the unit use and still deliver what it delivers?"),
    ),
    (
        Orientation.OUTPUT,
        _("outputs: how much more could the unit deliver with what it uses?"),
    ),
]
REFERENCE_EXPLAINED = [
    (
        Reference.KIND,
        _(
            "units of the same kind: rural gminas with rural gminas, cities with county "
            "rights with cities (recommended)"
        ),
    ),
    (Reference.ALL, _("all units with the data, whatever their kind")),
]

Choices = list[tuple[str, list[tuple[str, str]]]]


def catalogue_choices(language: str) -> Choices:
    """Every variable and indicator of the catalogue, grouped by domain, each named as
    people know it: "name (unit) · CODE"."""
    english = language.startswith("en")
    domains = {
        d.pk: (d.name_en if english and d.name_en else d.name_pl)
        for d in Domain.objects.order_by("position", "code")
    }
    grouped: dict[int | None, list[tuple[str, str]]] = {pk: [] for pk in domains}
    grouped[None] = []

    def label(code: str, name_pl: str, name_en: str, unit: str) -> str:
        name = name_en if english and name_en else name_pl
        return f"{name} ({unit}) · {code}" if unit else f"{name} · {code}"

    for v in Variable.objects.order_by("position", "code"):
        grouped.setdefault(v.domain_id, []).append(
            (v.code, label(v.code, v.name_pl, v.name_en, v.unit))
        )
    latest: dict[int, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("indicator").order_by("number"):
        latest[version.indicator_id] = version
    for version in sorted(latest.values(), key=lambda v: (v.indicator.position, v.indicator.code)):
        indicator = version.indicator
        grouped.setdefault(indicator.domain_id, []).append(
            (
                indicator.code,
                label(indicator.code, version.name_pl, version.name_en, version.unit),
            )
        )
    named = [(domains[pk], grouped[pk]) for pk in domains if grouped[pk]]
    if grouped[None]:
        named.append((str(_("Other")), grouped[None]))
    return named


@dataclass(frozen=True)
class ListedModel:
    model: EfficiencyModel
    name: str
    inputs: list[str]  # as the catalogue names them
    outputs: list[str]


def efficiency_models_listed(language: str) -> list[ListedModel]:
    """The models for the editor's list, their inputs and outputs by name."""
    names = {code: text for _domain, picks in catalogue_choices(language) for code, text in picks}
    return [
        ListedModel(
            model,
            model.name(language),
            [names.get(code, code) for code in model.inputs],
            [names.get(code, code) for code in model.outputs],
        )
        for model in EfficiencyModel.objects.select_related("domain").order_by("name_pl")
    ]


class CataloguePick(forms.SelectMultiple):
    """A list of the catalogue to pick several from; a search box filters it
    (``efficiency-editor.js``), and the names picked are listed under it."""

    def __init__(self) -> None:
        super().__init__(attrs={"size": 8, "class": "catalogue-pick"})


class EfficiencyModelForm(forms.Form):
    name_pl = forms.CharField(label=_("Name (Polish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    # Not required here: the service says what is missing, with the other problems.
    inputs = forms.MultipleChoiceField(
        label=_("Inputs"),
        required=False,
        widget=CataloguePick(),
        help_text=_("What the service uses: its spending, staff, buildings. Type to search."),
        error_messages={"invalid_choice": _("%(value)s is not in the catalogue.")},
    )
    outputs = forms.MultipleChoiceField(
        label=_("Outputs"),
        required=False,
        widget=CataloguePick(),
        help_text=_(
            "What the service delivers: pupils taught, waste collected, cases settled. "
            "Type to search."
        ),
        error_messages={"invalid_choice": _("%(value)s is not in the catalogue.")},
    )
    rts = forms.ChoiceField(
        label=_("Returns to scale"),
        choices=RTS_EXPLAINED,
        initial=Rts.VRS,
        widget=forms.RadioSelect,
    )
    orientation = forms.ChoiceField(
        label=_("Orientation"),
        choices=ORIENTATION_EXPLAINED,
        initial=Orientation.INPUT,
        widget=forms.RadioSelect,
    )
    reference = forms.ChoiceField(
        label=_("Compare each unit with"),
        choices=REFERENCE_EXPLAINED,
        initial=Reference.KIND,
        widget=forms.RadioSelect,
        help_text=_(
            "The frontier is drawn each year from these units. With too few of them "
            "(at least 3 × (inputs + outputs), and inputs × outputs) no score is shown."
        ),
    )

    def __init__(self, *args: Any, model: EfficiencyModel | None = None, **kwargs: Any) -> None:
        if model is not None and not args[0]:
            kwargs["initial"] = {
                "name_pl": model.name_pl,
                "name_en": model.name_en,
                "domain": model.domain.code if model.domain else "",
                "inputs": list(model.inputs),
                "outputs": list(model.outputs),
                "rts": model.rts,
                "orientation": model.orientation,
                "reference": model.reference,
            }
        super().__init__(*args, **kwargs)
        domains = [
            ("", "—"),
            *Domain.objects.order_by("position", "code").values_list("code", "name_pl"),
        ]
        self.fields["domain"].choices = domains  # type: ignore[attr-defined]
        picks = catalogue_choices(get_language() or "pl")
        self.fields["inputs"].choices = picks  # type: ignore[attr-defined]
        self.fields["outputs"].choices = picks  # type: ignore[attr-defined]
