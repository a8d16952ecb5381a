"""Good practices in the admin, to look at: practices change on their own pages, whose
services check who asks and record every step (PracticeEvent) and every version."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from benchlearn.practices.models import Practice, PracticeEvent, PracticeVersion


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Practice)
class PracticeAdmin(_ReadOnly):
    list_display = ("title", "unit", "state", "audience", "published_at")
    list_filter = ("state", "audience")
    search_fields = ("title", "unit__name")


@admin.register(PracticeVersion)
class PracticeVersionAdmin(_ReadOnly):
    list_display = ("practice", "number", "created_at", "created_by")


@admin.register(PracticeEvent)
class PracticeEventAdmin(_ReadOnly):
    list_display = ("practice", "kind", "at", "by")
