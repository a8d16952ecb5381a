"""The forms of the group pages: they parse; the services decide and record."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benchlearn.accounts.models import User
from benchlearn.catalogue.models import Domain
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.units.models import Level, Unit

# The member picker lists at most this many units found by a search.
PICKER_HITS = 30


class ProgrammeForm(forms.ModelForm[Programme]):
    groups = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Exchange groups of the programme"),
        queryset=ExchangeGroup.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    base_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Programme
        fields = [
            "name",
            "associations",
            "first_year",
            "last_year",
            "moderators_review",
            "anonymised_default",
            "min_group_size",
            "public_names",
            "public_min_units",
            "public_max_share",
            "survey_min_responses",
            "competency_office_sees",
        ]
        # A share typed with the decimal comma in Polish ("0,5").
        localized_fields = ["public_max_share"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty: the programme keeps its setting (a new one gets the default).
        for name in ("public_min_units", "public_max_share", "survey_min_responses"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_year"), data.get("last_year")
        if isinstance(first, int) and isinstance(last, int) and last < first:
            self.add_error("last_year", _("The last year cannot come before the first."))
        return data


class _PersonChoice(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} <{obj.email}>"


class GroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    domain = forms.ModelChoiceField(
        label=gettext_lazy("Public service (domain of the catalogue)"),
        queryset=Domain.objects.order_by("position", "code"),
    )
    service = forms.CharField(
        label=gettext_lazy("Name of the service in the group"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Leave empty to use the domain's name."),
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.all(), required=False
    )
    cycle_start = forms.IntegerField(
        label=gettext_lazy("First year of the cycle"),
        help_text=gettext_lazy("The two-year cycle: 8 meetings, one a quarter."),
    )
    moderator = _PersonChoice(
        label=gettext_lazy("Moderator"),
        queryset=User.objects.filter(is_active=True).order_by("full_name", "email"),
        required=False,
    )
    anonymised = forms.BooleanField(
        label=gettext_lazy("Anonymise members in comparisons"),
        required=False,
        help_text=gettext_lazy(
            "Other members are shown as A, B, C… in charts, tables and reports."
        ),
    )
    # Any unit of the register may be picked; the page lists the chosen ones and those
    # found by the search (not all 2,800).
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Member units"),
        queryset=Unit.objects.all(),
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    unit_search = forms.CharField(
        label=gettext_lazy("Find units by name or TERYT code"), max_length=60, required=False
    )
    base_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme, start = data.get("programme"), data.get("cycle_start")
        outside = (
            isinstance(programme, Programme)
            and isinstance(start, int)
            and not programme.first_year <= start <= programme.last_year
        )
        if outside:
            assert isinstance(programme, Programme)
            self.add_error(
                "cycle_start",
                _("The cycle must start within the programme's years (%(years)s).")
                % {"years": programme.years_label},
            )
        return data


def units_found(query: str, exclude: QuerySet[Unit] | list[Unit]) -> list[Unit]:
    """Units of the register whose name or TERYT code contains ``query``."""
    query = query.strip()
    if len(query) < 2:
        return []
    found = Unit.objects.filter(Q(name__icontains=query) | Q(teryt__startswith=query))
    return list(found.exclude(pk__in=[u.pk for u in exclude]).order_by("name")[:PICKER_HITS])


class InvitationForm(forms.Form):
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=7)
    level = forms.ChoiceField(label=gettext_lazy("Seat"), choices=Level.choices)
    email = forms.CharField(label=gettext_lazy("E-mail address"), max_length=254)
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)

    def __init__(self, *args: Any, group: ExchangeGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = forms.Select(
            choices=[(u.teryt, f"{u.name} ({u.teryt})") for u in group.units.order_by("name")]
        )
        self.fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "off"})
