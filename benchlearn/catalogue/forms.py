from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from benchlearn.catalogue.models import (
    UNIT_KIND_LABELS,
    Basis,
    Category,
    Domain,
    Indicator,
    Operator,
    Polarity,
    Severity,
    Source,
    Variable,
)
from benchlearn.catalogue.selectors import indicator_choices
from benchlearn.engine.catalogue import BdlSourceError, bdl_sources, bdl_text
from benchlearn.engine.formula import FormulaError, check_formula
from benchlearn.i18n import translate_message

_CHECKED = ("formula", "numerator", "denominator")
_CODE = r"^[A-Za-z][A-Za-z0-9_]*$"


def _domain_choices() -> list[tuple[str, Any]]:
    return [("", _("— shared by every domain —"))] + [
        (d.code, f"{d.name_pl} ({d.code})") for d in Domain.objects.order_by("position", "code")
    ]


class _ItemForm(forms.Form):
    """A catalogue item's create or edit form: the domain picked from the catalogue's,
    and the code fixed once the item exists (it names the item everywhere)."""

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "domain" in self.fields:
            self.fields["domain"].choices = _domain_choices()  # type: ignore[attr-defined]
        if editing:
            self.fields["code"].disabled = True


class IndicatorForm(_ItemForm):
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
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("For ratio indicators: the group aggregate is the ratio of sums."),
    )
    denominator = forms.CharField(
        label=_("Denominator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
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
    valid_from = forms.IntegerField(
        label=_("Valid from data year"),
        required=False,
        min_value=1900,
        max_value=2200,
        help_text=_(
            "Empty: every year. A definition changed by law from a data year: give that "
            "year, and the earlier years keep the published definition (a break in series)."
        ),
    )
    valid_to = forms.IntegerField(
        label=_("Valid to data year"), required=False, min_value=1900, max_value=2200
    )
    base_number = forms.IntegerField(required=False, widget=forms.HiddenInput)
    base_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, editing=editing, **kwargs)
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start is not None and end is not None and end < start:
            self.add_error("valid_to", _("The last data year must not be before the first."))
        return data

    def version_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "valid_from",
                "valid_to",
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


class VariableForm(_ItemForm):
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
    compare = forms.ChoiceField(
        label=_("Compared between units"),
        choices=Basis.choices,
        initial=Basis.AS_IS,
        required=False,
        help_text=_(
            "Plausibility checks compare this quantity, so that a big city's counts are not "
            "flagged against a small gmina's: per service user, per resident (population) "
            "or the value as it is (shares, prices)."
        ),
    )
    compare_per = forms.ChoiceField(
        label=_("Service users counted by"),
        required=False,
        help_text=_("Only for comparison per service user, e.g. pupils for school spending."),
    )
    plausible_min = forms.FloatField(
        label=_("Plausible from"),
        required=False,
        help_text=_("Of the compared quantity (per user or per resident): outside, a warning."),
    )
    plausible_max = forms.FloatField(label=_("Plausible to"), required=False)
    valid_from = forms.IntegerField(
        label=_("Valid from data year"),
        required=False,
        min_value=1900,
        max_value=2200,
        help_text=_(
            "Empty: every year. A round of another data year does not ask for the variable "
            "(e.g. a revenue abolished by law)."
        ),
    )
    valid_to = forms.IntegerField(
        label=_("Valid to data year"), required=False, min_value=1900, max_value=2200
    )
    bdl = forms.CharField(
        label=_("GUS BDL source"),
        required=False,
        max_length=200,
        help_text=_(
            "The BDL variables publishing the same figure, as level:id — 6 gminas, 5 counties, "
            "2 voivodeships; ids joined by + are added up, e.g. “6:76037” or “6:1+2 5:3”. "
            "bdl-fetch fetches them; an entry that differs from the published figure gets "
            "a warning."
        ),
    )
    base_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, editing=editing, **kwargs)
        self.fields["compare_per"].choices = [  # type: ignore[attr-defined]
            ("", _("— none —")),
            *((v.code, f"{v.code} — {v.name_pl}") for v in Variable.objects.order_by("code")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("The maximum must not be below the minimum."))
        low, high = data.get("plausible_min"), data.get("plausible_max")
        if low is not None and high is not None and low > high:
            self.add_error("plausible_max", _("The plausible range must not end below its start."))
        start, end = data.get("valid_from"), data.get("valid_to")
        if start is not None and end is not None and end < start:
            self.add_error("valid_to", _("The last data year must not be before the first."))
        try:
            data["bdl"] = bdl_text(bdl_sources(data.get("bdl") or ""))
        except BdlSourceError as wrong:
            self.add_error(
                "bdl",
                _("“%(part)s” is not level:id (e.g. 6:76037; levels 6, 5 and 2).")
                % {"part": wrong},
            )
        data["compare"] = data.get("compare") or Basis.AS_IS
        per = data.get("compare_per") or ""
        if data.get("compare") == Basis.PER_USER and not per:
            self.add_error("compare_per", _("Choose the variable that counts the service users."))
        if data.get("compare") != Basis.PER_USER and per:
            self.add_error(
                "compare_per",
                _("Service users are named only for comparison per service user."),
            )
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
                "compare",
                "compare_per",
                "plausible_min",
                "plausible_max",
                "valid_from",
                "valid_to",
                "bdl",
            )
        }


class DomainForm(_ItemForm):
    code = forms.RegexField(
        label=_("Code"),
        regex=_CODE,
        max_length=64,
        help_text=_("Letters, digits and _, starting with a letter."),
    )
    name_pl = forms.CharField(label=_("Name (Polish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    description_pl = forms.CharField(
        label=_("Description (Polish)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        required=False,
        help_text=_("Domains are listed by position; empty puts a new domain last."),
    )
    base_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, editing=editing, **kwargs)
        if editing:
            self.fields["position"].required = True

    def domain_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("name_pl", "name_en", "description_pl", "description_en", "position")
        return {name: data[name] for name in names}


class IndicatorSetForm(_ItemForm):
    """A set's identity and texts; its membership has its own form (SetMembersForm)."""

    code = forms.RegexField(
        label=_("Code"),
        regex=_CODE,
        max_length=64,
        help_text=_("Letters, digits and _, starting with a letter."),
    )
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    name_pl = forms.CharField(label=_("Name (Polish)"), max_length=300)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    description_pl = forms.CharField(
        label=_("Description (Polish)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea({"rows": 3})
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of unit"),
        choices=list(UNIT_KIND_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A round asks a unit only for the sets of its kind. None chosen: every kind."),
    )
    base_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def set_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("name_pl", "name_en", "description_pl", "description_en")
        chosen = set(data["kinds"])
        kinds = [kind for kind in UNIT_KIND_LABELS if kind in chosen]
        return {name: data[name] for name in names} | {"kinds": kinds}


class SetMembersForm(forms.Form):
    """One change to a set's membership, made with buttons (no JavaScript needed): the
    pressed button's ``action`` is "add" (the indicator chosen in ``add``), or
    "up:CODE", "down:CODE", "remove:CODE"."""

    add = forms.CharField(label=_("Indicator to add"), required=False, widget=forms.Select)
    action = forms.CharField()
    base_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, current: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "members_%s")  # shares its page with IndicatorSetForm
        super().__init__(*args, **kwargs)
        self.current = current
        choices: list[tuple[str, Any]] = [("", _("— choose an indicator —"))]
        for group, options in indicator_choices():
            left = [(code, label) for code, label in options if code not in current]
            if left:
                choices.append((group, left))
        self.fields["add"].widget.choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        verb, _colon, code = str(data.get("action") or "").partition(":")
        if verb == "add":
            code = str(data.get("add") or "").strip()
            if not code:
                self.add_error("add", _("Choose an indicator to add."))
            elif code in self.current:
                self.add_error("add", _("%(code)s is already in the set.") % {"code": code})
            elif not Indicator.objects.filter(code=code).exists():
                self.add_error(
                    "add", _("There is no indicator with code %(code)s.") % {"code": code}
                )
        elif verb not in ("up", "down", "remove") or code not in self.current:
            raise forms.ValidationError(
                _("The set has no indicator %(code)s (or the action is unknown).")
                % {"code": code or "—"}
            )
        data["verb"], data["code"] = verb, code
        return data

    def new_codes(self) -> list[str]:
        """The membership after the change (call after ``is_valid()``)."""
        codes = list(self.current)
        verb, code = self.cleaned_data["verb"], self.cleaned_data["code"]
        if verb == "add":
            return [*codes, code]
        if verb == "remove":
            return [c for c in codes if c != code]
        at = codes.index(code)
        other = at - 1 if verb == "up" else at + 1
        if 0 <= other < len(codes):
            codes[at], codes[other] = codes[other], codes[at]
        return codes


class ImportForm(forms.Form):
    file = forms.FileField(label=_("YAML file"))
    dry_run = forms.BooleanField(label=_("Check only, change nothing"), required=False)


class RuleForm(_ItemForm):
    """A validation rule: ``left operator right`` or ``left between right and upper``.
    Each side is checked with the formula parser as it is cleaned, so a mistake is shown
    at its field, in the user's language, with its column."""

    code = forms.RegexField(
        label=_("Code"),
        regex=_CODE,
        max_length=64,
        help_text=_("Letters, digits and _, starting with a letter."),
    )
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    left = forms.CharField(
        label=_("Left side"),
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_("A formula over variable codes, e.g. EDU_PUPILS / EDU_TEACHERS_FTE."),
    )
    operator = forms.ChoiceField(label=_("Operator"), choices=Operator.choices)
    right = forms.CharField(
        label=_("Right side (for “between”: from)"),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        help_text=_("A number or a formula, e.g. 30 or EDU_POP_3_5 * 1.3."),
    )
    upper = forms.CharField(
        label=_("To (for “between” only)"),
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    message_pl = forms.CharField(
        label=_("Message (Polish)"),
        widget=forms.Textarea({"rows": 2}),
        help_text=_("What the person entering the data reads when the rule fails."),
    )
    message_en = forms.CharField(
        label=_("Message (English)"), required=False, widget=forms.Textarea({"rows": 2})
    )
    base_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, editing=editing, **kwargs)
        self.variables = dict.fromkeys(Variable.objects.values_list("code", flat=True), "variable")
        check_url = reverse("rule-check")
        for name in ("left", "operator", "right", "upper"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": check_url,
                    "hx-trigger": "input changed delay:300ms, change",
                    "hx-target": "#rule-check",
                    "hx-include": "[name=left],[name=operator],[name=right],[name=upper]",
                    "aria-describedby": "rule-check",
                }
            )

    def _checked_side(self, name: str) -> str:
        text = str(self.cleaned_data.get(name) or "").strip()
        if text:
            try:
                check_formula(text, known=self.variables)
            except FormulaError as error:
                raise forms.ValidationError(translate_message(error.full)) from None
        return text

    def clean_left(self) -> str:
        return self._checked_side("left")

    def clean_right(self) -> str:
        return self._checked_side("right")

    def clean_upper(self) -> str:
        return self._checked_side("upper")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        between = data.get("operator") == Operator.BETWEEN
        if between and not data.get("upper") and "upper" not in self.errors:
            self.add_error("upper", _("“Between” needs an upper bound."))
        if not between and data.get("upper"):
            self.add_error("upper", _("An upper bound is given only with “between”."))
        return data

    def rule_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("left", "operator", "right", "upper", "severity", "message_pl", "message_en")
        return {name: data[name] for name in names}
