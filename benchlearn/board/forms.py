from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from benchlearn.board.files import ACCEPT, MAX_ATTACHMENTS
from benchlearn.board.services import MAX_BODY, MAX_TITLE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the
    services."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _body() -> forms.CharField:
    return forms.CharField(
        label=_("Message text"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write a message: an empty post cannot be sent.")},
    )


def _files() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to %(count)s files: PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG or JPG.")
        % {"count": MAX_ATTACHMENTS},
    )


class ReplyForm(forms.Form):
    body = _body()
    attachments = _files()


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = _body()
    attachments = _files()
    announcement = forms.BooleanField(
        label=_("Announcement: pinned at the top of the board"), required=False
    )

    def __init__(self, *args: Any, may_announce: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_announce:
            del self.fields["announcement"]


class EditForm(forms.Form):
    body = _body()


class PreferenceForm(forms.Form):
    digest = forms.TypedChoiceField(
        label=_("Tell me of new posts on my groups' boards"),
        choices=[
            ("0", _("at once, one e-mail per post")),
            ("1", _("in a daily digest, one e-mail a day")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
