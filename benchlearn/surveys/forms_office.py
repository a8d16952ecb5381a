"""The office's forms for questionnaires and surveys: they parse what was typed; the
rules (a version in use is never changed, dates in order) are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.surveys.editing import QuestionInput
from benchlearn.surveys.models import (
    MIN_RESPONSES_DEFAULT,
    Question,
    QuestionKind,
    QuestionnaireVersion,
    QuestionRole,
    SurveyMode,
)
from benchlearn.surveys.running import MAX_CODES
from benchlearn.units.models import Unit


class QuestionnaireForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64)
    name_pl = forms.CharField(label=_("Name (Polish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)


def options_text(options: list[dict[str, str]]) -> str:
    return "\n".join(
        f"{o.get('code', '')} = {o.get('label_pl', '')}"
        + (f" | {o['label_en']}" if o.get("label_en") else "")
        for o in options
    )


def show_if_text(rule: dict[str, Any] | None) -> str:
    if not rule:
        return ""
    return f"{rule.get('question', '')}: {', '.join(str(v) for v in rule.get('in', []))}"


class QuestionForm(forms.Form):
    base_token = forms.CharField(widget=forms.HiddenInput, required=False)
    code = forms.RegexField(
        label=_("Code"),
        max_length=32,
        regex=r"^[A-Za-z][A-Za-z0-9_]*$",
        help_text=_("Letters, digits and _, starting with a letter (e.g. Q1, SEX)."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text_pl = forms.CharField(
        label=_("Question (Polish)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Question (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    help_pl = forms.CharField(label=_("Hint (Polish)"), max_length=300, required=False)
    help_en = forms.CharField(label=_("Hint (English)"), max_length=300, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    options = forms.CharField(
        label=_("Answers to choose from"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Single and multiple choice: one answer a line, “code = Polish | English”, "
            "e.g. “1 = Kobieta | Woman”."
        ),
    )
    dont_know = forms.BooleanField(
        label=_("Offers “don't know / don't use” (code 9)"), required=False
    )
    show_if = forms.CharField(
        label=_("Asked only if"),
        max_length=200,
        required=False,
        help_text=_("An earlier question's code and the answers that lead here, e.g. “USE: 1, 2”."),
    )
    role = forms.ChoiceField(
        label=_("Role in the results"), choices=QuestionRole.choices, required=False
    )
    minimum = forms.FloatField(label=_("Minimum (number)"), required=False)
    maximum = forms.FloatField(label=_("Maximum (number)"), required=False)

    def clean_options(self) -> list[dict[str, str]]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, labels = line.partition("=")
            label_pl, _bar, label_en = labels.partition("|")
            if not sep or not code.strip() or not label_pl.strip():
                raise forms.ValidationError(
                    _("Line %(line)s: write “code = Polish | English”.") % {"line": number}
                )
            parsed.append(
                {"code": code.strip(), "label_pl": label_pl.strip(), "label_en": label_en.strip()}
            )
        return parsed

    def clean_show_if(self) -> dict[str, Any] | None:
        text = self.cleaned_data["show_if"].strip()
        if not text:
            return None
        code, sep, values = text.partition(":")
        wanted = [value.strip() for value in values.split(",") if value.strip()]
        if not sep or not code.strip() or not wanted:
            raise forms.ValidationError(
                _("Write the question's code and the answers: “USE: 1, 2”.")
            )
        return {"question": code.strip(), "in": wanted}

    def as_input(self) -> QuestionInput:
        data = self.cleaned_data
        return QuestionInput(
            code=data["code"],
            kind=data["kind"],
            text_pl=data["text_pl"].strip(),
            text_en=data["text_en"].strip(),
            help_pl=data["help_pl"].strip(),
            help_en=data["help_en"].strip(),
            required=data["required"],
            options=data["options"],
            dont_know=data["dont_know"],
            show_if=data["show_if"],
            role=data["role"] or "",
            minimum=data["minimum"],
            maximum=data["maximum"],
        )


def question_initial(question: Question, token: str) -> dict[str, Any]:
    return {
        "base_token": token,
        "code": question.code,
        "kind": question.kind,
        "text_pl": question.text_pl,
        "text_en": question.text_en,
        "help_pl": question.help_pl,
        "help_en": question.help_en,
        "required": question.required,
        "options": options_text(question.options),
        "dont_know": question.dont_know,
        "show_if": show_if_text(question.show_if),
        "role": question.role,
        "minimum": question.minimum,
        "maximum": question.maximum,
    }


class TokenForm(forms.Form):
    """A step (publish, new version, move, open, close) sent with the page's edit token."""

    base_token = forms.CharField(required=False)


class SurveyForm(forms.Form):
    base_token = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    questionnaire_version = forms.ModelChoiceField(
        label=_("Questionnaire (published version)"),
        queryset=QuestionnaireVersion.objects.filter(published_at__isnull=False).select_related(
            "questionnaire"
        ),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.all(), required=False
    )
    period = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    modes = forms.MultipleChoiceField(
        label=_("Ways of collecting answers"),
        choices=SurveyMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_on = forms.DateField(
        label=_("Opens on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target_responses = forms.IntegerField(
        label=_("Target number of responses per unit"), required=False, min_value=1
    )
    min_responses = forms.IntegerField(
        label=_("Minimum number of responses for comparisons"),
        required=False,
        min_value=1,
        help_text=format_lazy(
            _(
                "Below it a unit's results are flagged and feed no comparison. Empty: the "
                "programme's minimum ({default} without a programme)."
            ),
            default=MIN_RESPONSES_DEFAULT,
        ),
    )
    # Localised: "2,5" as typed in Polish. The service checks the range.
    weight_cap = forms.FloatField(
        label=_("Trimming of extreme weights (cap × the mean weight)"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        help_text=_(
            "Empty: the weights are not trimmed. A number k (more than 1, at most 10, "
            "e.g. 5): while a unit's answers are weighted to its population, no respondent "
            "weighs more than k times the unit's mean weight. A few respondents from a "
            "group that answered rarely then do not decide the result alone, and the "
            "intervals are narrower; the population's shares may be met less exactly. "
            "If a cap is too low for a unit, that unit is shown unweighted, with a note."
        ),
    )
    units = forms.CharField(
        label=_("Units (TERYT codes)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One TERYT code a line (or separated by commas or spaces)."),
    )
    group = forms.ModelChoiceField(
        label=_("Add every member unit of an exchange group"),
        queryset=ExchangeGroup.objects.all(),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = [part for part in data.get("units", "").replace(",", " ").split() if part]
        # Units ticked in the finder's results (by TERYT code) join the typed ones.
        getlist = getattr(self.data, "getlist", None)
        codes += [code for code in (getlist("add_units") if getlist else []) if code]
        found = {unit.teryt: unit for unit in Unit.objects.filter(teryt__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            self.add_error(
                "units",
                _("No unit with TERYT code: %(codes)s.") % {"codes": ", ".join(unknown[:20])},
            )
        chosen = dict(found)
        group = data.get("group")
        if group is not None:
            chosen.update({unit.teryt: unit for unit in group.units.all()})
        data["unit_list"] = sorted(chosen.values(), key=lambda unit: unit.name)
        return data


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of codes"),
        min_value=1,
        max_value=MAX_CODES,
        help_text=_("One letter is printed for each code."),
    )
