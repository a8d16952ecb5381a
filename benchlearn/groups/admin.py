from django.contrib import admin

from benchlearn.groups.models import ExchangeGroup


@admin.register(ExchangeGroup)
class ExchangeGroupAdmin(admin.ModelAdmin[ExchangeGroup]):
    list_display = ["name", "service", "cycle_start", "moderator"]
    list_filter = ["service", "cycle_start"]
    search_fields = ["name", "service"]
    autocomplete_fields = ["moderator", "units"]
