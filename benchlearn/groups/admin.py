from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from benchlearn.accounts.admin import ADMIN
from benchlearn.accounts.models import User
from benchlearn.groups.models import ExchangeGroup, Programme
from benchlearn.groups.services import (
    group_units_set,
    group_update,
    programme_create,
    programme_update,
)
from benchlearn.groups.services.programmes import SETTINGS


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    """A programme and its settings; its groups choose it on their own form. Saved
    through the services, so that the programme's history has the change."""

    list_display = [
        "name",
        "associations",
        "first_year",
        "last_year",
        "moderators_review",
        "anonymised_default",
        "min_group_size",
    ]
    list_filter = ["moderators_review"]
    search_fields = ["name", "associations"]
    exclude = ["updated_at"]

    def get_form(
        self,
        request: HttpRequest,
        obj: Programme | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[ModelForm[Programme]]:
        form = super().get_form(request, obj, change, **kwargs)
        # Left empty: the programme keeps its setting (a new one gets the default).
        for name in ("public_min_units", "public_max_share", "survey_min_responses"):
            form.base_fields[name].required = False
        return form

    def save_model(
        self, request: HttpRequest, obj: Programme, form: ModelForm[Programme], change: bool
    ) -> None:
        fields = {f: getattr(obj, f) for f in SETTINGS if getattr(obj, f) is not None}
        if not change:
            created = programme_create(**fields, by=_by(request))
            obj.pk = created.pk
            return
        programme_update(programme=obj, **fields, groups=list(obj.groups.all()), by=_by(request))


@admin.register(ExchangeGroup)
class ExchangeGroupAdmin(admin.ModelAdmin[ExchangeGroup]):
    """Moderator, members and anonymity change through the services, which record each
    change of them."""

    list_display = ["name", "programme", "service", "cycle_start", "moderator", "anonymised"]
    list_filter = ["programme", "service", "cycle_start"]
    search_fields = ["name", "service"]
    autocomplete_fields = ["moderator", "units"]

    def save_model(
        self, request: HttpRequest, obj: ExchangeGroup, form: ModelForm[ExchangeGroup], change: bool
    ) -> None:
        # The form has set them on obj: put back what is stored, save the rest, then let
        # the service change (and record) them.
        moderator, anonymised = obj.moderator, obj.anonymised
        stored = ExchangeGroup.objects.get(pk=obj.pk) if change else ExchangeGroup()
        obj.moderator, obj.anonymised = stored.moderator, stored.anonymised
        super().save_model(request, obj, form, change)
        group_update(
            group=obj, moderator=moderator, anonymised=anonymised, by=_by(request), via=ADMIN
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The members are set by the service, not by the form's many-to-many save.
        units = form.cleaned_data.pop("units", None)
        super().save_related(request, form, formsets, change)
        if units is not None:
            group_units_set(group=form.instance, units=units, by=_by(request), via=ADMIN)

    def delete_model(self, request: HttpRequest, obj: ExchangeGroup) -> None:
        group_update(group=obj, moderator=None, by=_by(request), via=ADMIN)
        group_units_set(group=obj, units=[], by=_by(request), via=ADMIN)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for group in queryset:
            self.delete_model(request, group)


def _by(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None
