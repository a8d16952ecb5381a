"""The forms of the office's scheme and suggestion pages: they parse; the services in
``competencies.editing`` decide, and refuse with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from benchlearn.competencies.editing import (
    CompetencyInput,
    ResourceInput,
    SchemeInput,
    competency_choices,
)
from benchlearn.competencies.models import (
    LEVELS,
    Competency,
    CompetencyScheme,
    LearningResource,
    ResourceKind,
)
from benchlearn.competencies.scheme import SEATS
from benchlearn.groups.models import Programme
from benchlearn.practices.models import Practice, PracticeState
from benchlearn.units.models import Level

StrOrPromise = str | Promise


def _text(
    label: StrOrPromise, *, required: bool = False, rows: int = 0, max_length: int = 0
) -> Any:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    kwargs: dict[str, Any] = {"label": label, "required": required}
    if widget is not None:
        kwargs["widget"] = widget
    if max_length:
        kwargs["max_length"] = max_length
    return forms.CharField(**kwargs)


class CopyForm(forms.Form):
    version = forms.CharField(
        label=gettext_lazy("Number of the new version"),
        max_length=20,
        help_text=gettext_lazy("A year and a number, e.g. 2026.2."),
    )
    change_note_pl = _text(gettext_lazy("What changes (Polish)"), required=True, rows=3)
    change_note_en = _text(gettext_lazy("What changes (English)"), rows=3)


class SchemeForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.CharField(
        label=gettext_lazy("Version"),
        max_length=20,
        help_text=gettext_lazy("A year and a number, e.g. 2026.2."),
    )
    name_pl = _text(gettext_lazy("Name (Polish)"), required=True, max_length=200)
    name_en = _text(gettext_lazy("Name (English)"), max_length=200)
    change_note_pl = _text(gettext_lazy("What changed (Polish)"), required=True, rows=3)
    change_note_en = _text(gettext_lazy("What changed (English)"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level in LEVELS:
            self.fields[f"level_{level}_pl"] = _text(
                gettext("Level %(level)s, name (Polish)") % {"level": level},
                required=True,
                max_length=60,
            )
            self.fields[f"level_{level}_en"] = _text(
                gettext("Level %(level)s, name (English)") % {"level": level}, max_length=60
            )

    @staticmethod
    def initial_of(scheme: CompetencyScheme) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "revision": scheme.revision,
            "version": scheme.version,
            "name_pl": scheme.name_pl,
            "name_en": scheme.name_en,
            "change_note_pl": scheme.change_note_pl,
            "change_note_en": scheme.change_note_en,
        }
        for level in LEVELS:
            names = scheme.level_names.get(str(level)) or {}
            initial[f"level_{level}_pl"] = names.get("pl", "")
            initial[f"level_{level}_en"] = names.get("en", "")
        return initial

    def level_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"level_{level}_pl"], self[f"level_{level}_en"]) for level in LEVELS]

    def to_input(self) -> SchemeInput:
        data = self.cleaned_data
        return SchemeInput(
            version=data["version"],
            name_pl=data["name_pl"],
            name_en=data["name_en"],
            change_note_pl=data["change_note_pl"],
            change_note_en=data["change_note_en"],
            level_names={
                str(level): {"pl": data[f"level_{level}_pl"], "en": data[f"level_{level}_en"]}
                for level in LEVELS
            },
        )


class CompetencyForm(forms.Form):
    """A competency of a draft; ``with_code`` for a new one (a code, once given, stays)."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    name_pl = _text(gettext_lazy("Name (Polish)"), required=True, max_length=200)
    name_en = _text(gettext_lazy("Name (English)"), max_length=200)
    description_pl = _text(gettext_lazy("Description (Polish)"), rows=3)
    description_en = _text(gettext_lazy("Description (English)"), rows=3)
    order = forms.IntegerField(
        label=gettext_lazy("Position in the scheme"), min_value=0, max_value=999, required=False
    )

    def __init__(
        self,
        *args: Any,
        with_code: bool = False,
        level_names: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        names = level_names or {}
        choices = [
            (level, f"{level} — {names[level]}" if names.get(level) else str(level))
            for level in LEVELS
        ]
        if with_code:
            self.fields["code"] = forms.CharField(
                label=gettext_lazy("Code"),
                max_length=32,
                help_text=gettext_lazy(
                    "Capital letters, e.g. LEAD; it stays the same in later versions, so the "
                    "results follow the competency."
                ),
            )
            self.order_fields(["code"])
        for seat in Level:
            self.fields[f"expected_{seat.value}"] = forms.TypedChoiceField(
                label=seat.label, choices=choices, coerce=int
            )
        for level in LEVELS:
            self.fields[f"behaviour_{level}_pl"] = _text(
                gettext("Level %(level)s: behaviours (Polish)") % {"level": level}, rows=3
            )
            self.fields[f"behaviour_{level}_en"] = _text(
                gettext("Level %(level)s: behaviours (English)") % {"level": level}, rows=3
            )

    @staticmethod
    def initial_of(competency: Competency, revision: int) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "revision": revision,
            "name_pl": competency.name_pl,
            "name_en": competency.name_en,
            "description_pl": competency.description_pl,
            "description_en": competency.description_en,
            "order": competency.order,
        }
        for seat in SEATS:
            initial[f"expected_{seat}"] = competency.expected_for(seat)
        for behaviour in competency.behaviours.all():
            initial[f"behaviour_{behaviour.level}_pl"] = behaviour.text_pl
            initial[f"behaviour_{behaviour.level}_en"] = behaviour.text_en
        return initial

    def seat_fields(self) -> list[forms.BoundField]:
        return [self[f"expected_{seat}"] for seat in SEATS]

    def behaviour_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (level, self[f"behaviour_{level}_pl"], self[f"behaviour_{level}_en"])
            for level in LEVELS
        ]

    def to_input(self) -> CompetencyInput:
        data = self.cleaned_data
        return CompetencyInput(
            name_pl=data["name_pl"],
            name_en=data["name_en"],
            description_pl=data["description_pl"],
            description_en=data["description_en"],
            order=data.get("order"),
            expected={seat: data[f"expected_{seat}"] for seat in SEATS},
            behaviours={
                level: (data[f"behaviour_{level}_pl"], data[f"behaviour_{level}_en"])
                for level in LEVELS
            },
        )


class _PracticeChoice(forms.ModelChoiceField[Practice]):
    def label_from_instance(self, obj: Practice) -> str:
        return obj.title


class ResourceForm(forms.Form):
    competency_code = forms.ChoiceField(label=gettext_lazy("Competency"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ResourceKind.choices)
    title = _text(gettext_lazy("Title"), required=True, max_length=300)
    url = forms.URLField(
        label=gettext_lazy("Address (URL)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("Required for a material, unless the description says where it is."),
    )
    description = _text(gettext_lazy("Description"), rows=3)
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.order_by("-first_year", "name"),
        required=False,
        empty_label=gettext_lazy("every programme"),
    )
    practice = _PracticeChoice(
        label=gettext_lazy("Good practice"),
        queryset=Practice.objects.filter(state=PracticeState.PUBLISHED).order_by("title"),
        required=False,
        help_text=gettext_lazy("For a suggestion of the kind “good practice”: a published one."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency_code"].choices = [("", "—"), *competency_choices()]  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(resource: LearningResource) -> dict[str, Any]:
        return {
            "competency_code": resource.competency_code,
            "kind": resource.kind,
            "title": resource.title,
            "url": resource.url,
            "description": resource.description,
            "programme": resource.programme,
            "practice": resource.practice,
        }

    def to_input(self) -> ResourceInput:
        data = self.cleaned_data
        return ResourceInput(
            competency_code=data["competency_code"],
            kind=data["kind"],
            title=data["title"],
            url=data["url"] or "",
            description=data["description"],
            programme=data["programme"],
            practice=data["practice"],
        )


class ResourceFilter(forms.Form):
    """The list of suggestions narrowed to a competency, a kind or a programme."""

    competency = forms.ChoiceField(label=gettext_lazy("Competency"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[("", gettext_lazy("all")), *ResourceKind.choices],
        required=False,
    )
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.order_by("-first_year", "name"),
        required=False,
        empty_label=gettext_lazy("all"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", gettext("all")), *competency_choices()]  # type: ignore[attr-defined]

    def chosen(self, resources: list[LearningResource]) -> list[LearningResource]:
        """``resources`` that match; all of them when the filter is empty or invalid."""
        if not self.is_valid():
            return resources
        data = self.cleaned_data
        return [
            r
            for r in resources
            if (not data["competency"] or r.competency_code == data["competency"])
            and (not data["kind"] or r.kind == data["kind"])
            and (data["programme"] is None or r.programme_id == data["programme"].pk)
        ]
