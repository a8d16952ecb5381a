from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benchlearn.catalogue.models import Domain
from benchlearn.results.models import EfficiencyModel, Orientation, Rts


class EfficiencyModelForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64)
    name_pl = forms.CharField(label=_("Name (Polish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    # Not required here: the service says what is missing, with the other problems.
    inputs = forms.CharField(
        label=_("Inputs"),
        required=False,
        help_text=_("Variable or indicator codes, separated by commas: what the service uses."),
    )
    outputs = forms.CharField(
        label=_("Outputs"),
        required=False,
        help_text=_("Variable or indicator codes, separated by commas: what it delivers."),
    )
    rts = forms.ChoiceField(label=_("Returns to scale"), choices=Rts.choices, initial=Rts.VRS)
    orientation = forms.ChoiceField(
        label=_("Orientation"), choices=Orientation.choices, initial=Orientation.INPUT
    )

    def __init__(self, *args: Any, model: EfficiencyModel | None = None, **kwargs: Any) -> None:
        if model is not None and not args[0]:
            kwargs["initial"] = {
                "code": model.code,
                "name_pl": model.name_pl,
                "name_en": model.name_en,
                "domain": model.domain.code if model.domain else "",
                "inputs": ", ".join(model.inputs),
                "outputs": ", ".join(model.outputs),
                "rts": model.rts,
                "orientation": model.orientation,
            }
        super().__init__(*args, **kwargs)
        domains = [
            ("", "—"),
            *Domain.objects.order_by("position", "code").values_list("code", "name_pl"),
        ]
        self.fields["domain"].choices = domains  # type: ignore[attr-defined]
