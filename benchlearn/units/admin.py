from django.contrib import admin

from benchlearn.units.models import Unit, UnitMembership


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["teryt", "name", "kind", "voivodeship"]
    list_filter = ["kind", "voivodeship"]
    search_fields = ["teryt", "name"]
    autocomplete_fields = ["parent"]


@admin.register(UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin[UnitMembership]):
    list_display = ["user", "unit", "level"]
    list_filter = ["level"]
    search_fields = ["user__email", "unit__name", "unit__teryt"]
    autocomplete_fields = ["user", "unit"]
