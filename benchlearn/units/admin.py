from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from benchlearn.accounts.admin import ADMIN, membership_save
from benchlearn.accounts.models import User
from benchlearn.units.models import Unit, UnitMembership
from benchlearn.units.services import unit_membership_remove


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["teryt", "name", "kind", "voivodeship"]
    list_filter = ["kind", "voivodeship"]
    search_fields = ["teryt", "name"]
    autocomplete_fields = ["parent"]


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin[UnitMembership]):
    """Memberships are changed through the services, which record each change."""

    list_display = ["user", "unit", "level"]
    list_filter = ["level"]
    search_fields = ["user__email", "unit__name", "unit__teryt"]
    autocomplete_fields = ["user", "unit"]

    def save_model(
        self,
        request: HttpRequest,
        obj: UnitMembership,
        form: ModelForm[UnitMembership],
        change: bool,
    ) -> None:
        by = request.user if isinstance(request.user, User) else None
        membership_save(obj, by=by)
        # The admin goes on with the object it saved (its messages, its redirect).
        obj.pk = UnitMembership.objects.get(user=obj.user, unit=obj.unit).pk

    def delete_model(self, request: HttpRequest, obj: UnitMembership) -> None:
        by = request.user if isinstance(request.user, User) else None
        unit_membership_remove(user=obj.user, unit=obj.unit, by=by, via=ADMIN)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[UnitMembership]) -> None:
        for membership in queryset.select_related("user", "unit"):
            self.delete_model(request, membership)
