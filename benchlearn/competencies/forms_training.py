"""The training form: title, date, place, description, the competencies (of the scheme
in force), the seats, and the invitees (people holding seats in the programme's groups).
The service checks all of it again; the form gives the page its fields and messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from benchlearn.accounts.models import User
from benchlearn.competencies.aggregates import competency_name
from benchlearn.competencies.models import CompetencyScheme
from benchlearn.competencies.trainings import TITLE_MAX, Eligible
from benchlearn.units.models import Level


class TrainingForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Give the training a title.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the training's date."),
            "invalid": _("Give the date as a day, e.g. 2026-03-15."),
        },
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    competencies = forms.MultipleChoiceField(
        label=_("Competencies it develops"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seats = forms.MultipleChoiceField(
        label=_("Seats it is for"),
        help_text=_("None chosen: every seat."),
        required=False,
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    invitees = forms.TypedMultipleChoiceField(
        label=_("Invited"),
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": _(
                "Only people holding a seat in the programme's groups may be invited."
            )
        },
    )
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: object,
        scheme: CompetencyScheme | None,
        eligible: list[Eligible],
        known: list[tuple[str, str]] = (),  # type: ignore[assignment]
        former: list[User] = (),  # type: ignore[assignment]
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = (
            [(c.code, competency_name(c)) for c in scheme.competencies.all()] if scheme else []
        )
        # A training of an older scheme keeps its codes offered.
        offered = {code for code, _name in choices}
        choices += [(code, name) for code, name in known if code not in offered]
        competencies = self.fields["competencies"]
        assert isinstance(competencies, forms.MultipleChoiceField)
        competencies.choices = choices
        invitees = self.fields["invitees"]
        assert isinstance(invitees, forms.TypedMultipleChoiceField)
        invitees.choices = list(
            dict.fromkeys(
                [(entry.person.pk, str(entry.person)) for entry in eligible]
                + [(person.pk, str(person)) for person in former]
            )
        )
