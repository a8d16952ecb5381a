"""The page's form: one row per organisational form (its share and a note), the year
and the revision the page showed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benchlearn.delivery.models import DeliveryForm

NOTE_LENGTH = 500


def share_field(code: str) -> str:
    return f"share_{code}"


def note_field(code: str) -> str:
    return f"note_{code}"


class ShareField(forms.DecimalField):
    """A percentage typed with a decimal comma or point, with or without "%": a share is
    never large enough for a thousands separator, so a comma is always the decimal one
    (whatever the page's language)."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


class DeliveryFormsForm(forms.Form):
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in DeliveryForm.choices:
            self.fields[share_field(code)] = ShareField(
                label=_("Share of %(form)s (%%)") % {"form": label},
                required=False,
                max_digits=5,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
            self.fields[note_field(code)] = forms.CharField(
                label=_("Note on %(form)s") % {"form": label},
                required=False,
                max_length=NOTE_LENGTH,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code, label in DeliveryForm.choices:
            share, note = data.get(share_field(code)), data.get(note_field(code))
            if share is None and note and share_field(code) not in self.errors:
                self.add_error(
                    share_field(code),
                    _("Give the share of %(form)s, or leave its note empty.") % {"form": label},
                )
        return data

    def entries(self) -> list[tuple[str, Decimal, str]]:
        """(form, share, note) of the rows with a share (0 counts: the service refuses it)."""
        data = self.cleaned_data
        return [
            (code, data[share_field(code)], data.get(note_field(code)) or "")
            for code in DeliveryForm.values
            if data.get(share_field(code)) is not None
        ]

    def rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(label, share field, note field) per organisational form, for the table."""
        return [
            (str(label), self[share_field(code)], self[note_field(code)])
            for code, label in DeliveryForm.choices
        ]
