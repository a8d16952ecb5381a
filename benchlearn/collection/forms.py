"""Forms of the collection pages: creating a round, a unit's values, returning a
submission with comments.

The values form reads what the services need (raw text per variable, comments, the
revision each value had when the page was shown); parsing numbers and checking
conflicts is the services' work, so the form never refuses a number itself and always
keeps what the person typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.catalogue.models import IndicatorSet, Variable
from benchlearn.collection.selectors import units_by_filter, units_by_teryt, units_of_group
from benchlearn.groups.models import ExchangeGroup
from benchlearn.units.models import Unit, UnitKind
from benchlearn.units.selectors import VOIVODESHIPS

# --- a round ---------------------------------------------------------------------------


class UnitsChosenBy:
    GROUP = "group"
    TERYT = "teryt"
    FILTER = "filter"


class _SetsField(forms.ModelMultipleChoiceField[IndicatorSet]):
    """The sets a round asks for, each named with the kinds of unit it applies to: a
    unit is asked only for the sets of its kind."""

    def label_from_instance(self, obj: IndicatorSet) -> str:
        if not obj.kinds:
            return obj.name_pl
        return f"{obj.name_pl} ({', '.join(obj.kind_labels)})"


class RoundForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    period = forms.IntegerField(label=gettext_lazy("Year"), min_value=1990, max_value=2100)
    indicator_sets = _SetsField(
        label=gettext_lazy("Indicator sets"),
        queryset=IndicatorSet.objects.order_by("position", "code"),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        help_text=gettext_lazy("For example 31.03.2026."),
    )
    warning_threshold = forms.DecimalField(
        label=gettext_lazy("Warning threshold for the change from last year (%)"),
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        initial=Decimal(30),
        localize=True,
    )
    internal_signoff = forms.BooleanField(
        label=gettext_lazy("Internal sign-off by the strategic level"),
        help_text=gettext_lazy(
            "The data leave a unit only when its strategic-level participant confirms "
            "them: the operational level enters, the middle level submits for sign-off, "
            "the strategic level confirms and sends."
        ),
        required=False,
    )
    units_by = forms.ChoiceField(
        label=gettext_lazy("Choose the units"),
        choices=[
            (UnitsChosenBy.GROUP, gettext_lazy("the members of an exchange group")),
            (UnitsChosenBy.TERYT, gettext_lazy("a list of TERYT codes")),
            (UnitsChosenBy.FILTER, gettext_lazy("every unit of a kind and/or voivodeship")),
        ],
        widget=forms.RadioSelect,
        initial=UnitsChosenBy.GROUP,
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Exchange group"),
        queryset=ExchangeGroup.objects.order_by("name"),
        required=False,
    )
    teryt = forms.CharField(
        label=gettext_lazy("TERYT codes"),
        help_text=gettext_lazy("Paste the codes: one a line, or separated by spaces or commas."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of unit"),
        choices=[("", gettext_lazy("any")), *UnitKind.choices],
        required=False,
    )
    voivodeship = forms.ChoiceField(
        label=gettext_lazy("Voivodeship"),
        choices=[("", gettext_lazy("any"))] + [(v, v) for v in VOIVODESHIPS],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["units"] = self._units(data)
        return data

    def _units(self, data: dict[str, Any]) -> list[Unit]:
        how = data.get("units_by")
        if how == UnitsChosenBy.GROUP:
            if data.get("group") is None:
                self.add_error("group", _("Choose an exchange group."))
                return []
            return units_of_group(data["group"])
        if how == UnitsChosenBy.TERYT:
            codes = data.get("teryt", "").replace(",", " ").replace(";", " ").split()
            if not codes:
                self.add_error("teryt", _("Paste at least one TERYT code."))
                return []
            units, unknown = units_by_teryt(codes)
            if unknown:
                self.add_error(
                    "teryt",
                    _("No unit has these TERYT codes: %(codes)s.") % {"codes": ", ".join(unknown)},
                )
            return units
        if how == UnitsChosenBy.FILTER:
            if not data.get("kind") and not data.get("voivodeship"):
                self.add_error("kind", _("Choose a kind of unit, a voivodeship or both."))
                return []
            units = units_by_filter(
                kind=data.get("kind", ""), voivodeship=data.get("voivodeship", "")
            )
            if not units:
                self.add_error("kind", _("No unit in the register matches this filter."))
            return units
        return []


# --- a unit's values -------------------------------------------------------------------


def value_field(code: str) -> str:
    return f"v-{code}"


def revision_field(code: str) -> str:
    return f"r-{code}"


def comment_field(code: str) -> str:
    return f"c-{code}"


def choice_field(code: str) -> str:
    return f"choice-{code}"


class ConflictChoice:
    MINE = "mine"
    THEIRS = "theirs"


class ValuesForm(forms.Form):
    """One text input, one hidden base revision and an optional comment per variable;
    after a conflict, a choice per conflicting variable: keep mine or take theirs.

    Only the fields a page sent count: a variable whose input was not on the page is
    left alone (partial saves), and a comment that was not on the page keeps the stored
    one.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, variables: Iterable[Variable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = [v.code for v in variables]
        for code in self.codes:
            self.fields[value_field(code)] = forms.CharField(
                required=False, max_length=60, strip=False
            )
            self.fields[revision_field(code)] = forms.IntegerField(
                required=False, min_value=0, widget=forms.HiddenInput
            )
            self.fields[comment_field(code)] = forms.CharField(
                required=False, max_length=2000, widget=forms.Textarea
            )
            self.fields[choice_field(code)] = forms.ChoiceField(
                required=False,
                choices=[(ConflictChoice.MINE, ""), (ConflictChoice.THEIRS, "")],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code in self.codes:
            # A conflict shown on the page must be decided: never pick for the person.
            if f"conflict-{code}" in self.data and not data.get(choice_field(code)):
                self.add_error(choice_field(code), _("Choose: keep your value or take theirs."))
        return data

    def sent(self, name: str) -> bool:
        return name in self.data

    def entries(self) -> dict[str, tuple[str, str | None]]:
        """Variable code → (text as typed, comment or None to keep the stored one), for
        the inputs the page sent, minus conflicts resolved as "take theirs"."""
        entries: dict[str, tuple[str, str | None]] = {}
        for code in self.codes:
            if not self.sent(value_field(code)):
                continue
            if self.cleaned_data.get(choice_field(code)) == ConflictChoice.THEIRS:
                continue
            comment = (
                self.cleaned_data.get(comment_field(code), "")
                if self.sent(comment_field(code))
                else None
            )
            entries[code] = (self.cleaned_data.get(value_field(code), ""), comment)
        return entries

    def base_revisions(self) -> dict[str, int]:
        return {
            code: self.cleaned_data.get(revision_field(code)) or 0
            for code in self.codes
            if self.sent(value_field(code))
        }

    def raw(self, code: str) -> str | None:
        """What the person typed for ``code``, if the page sent it."""
        value = self.data.get(value_field(code))
        return None if value is None else str(value)

    def raw_comment(self, code: str) -> str | None:
        value = self.data.get(comment_field(code))
        return None if value is None else str(value)


class ReturnForm(forms.Form):
    """A comment per variable; at least one (the service says so if none)."""

    def __init__(self, *args: Any, variables: Iterable[Variable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = [v.code for v in variables]
        for code in self.codes:
            self.fields[comment_field(code)] = forms.CharField(
                required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def comments(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(comment_field(code), "") for code in self.codes}
