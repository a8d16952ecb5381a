"""Improvement plans in the admin, to look at: plans change on their own pages, whose
services check who asks and record every step (PlanEvent) and every change of an
adopted plan (PlanVersion)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model

from benchlearn.plans.models import (
    Action,
    ActionComment,
    ActionIndicator,
    DiagnosisItem,
    Plan,
    PlanEvent,
    PlanVersion,
    ProgressAttachment,
    ProgressReport,
)


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: object, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: Model | None = None) -> bool:
        return False


class DiagnosisInline(_ReadOnlyInline):
    model = DiagnosisItem
    fields = ["indicator_code", "reason", "value", "year", "group_median", "gap", "kept"]


class ActionInline(_ReadOnlyInline):
    model = Action
    fields = ["title", "owner_level", "owner", "start_date", "end_date", "status"]


class ActionIndicatorInline(_ReadOnlyInline):
    model = ActionIndicator
    fields = ["indicator_code", "baseline", "baseline_year", "target", "target_year"]


class ProgressAttachmentInline(_ReadOnlyInline):
    model = ProgressAttachment
    fields = ["name", "size", "content_type"]
    show_change_link = False


@admin.register(Plan)
class PlanAdmin(_ReadOnly):
    list_display = ["unit", "group", "cycle_start", "state", "private", "updated_at"]
    list_filter = ["state", "cycle_start", "group"]
    search_fields = ["unit__name", "unit__teryt", "group__name"]
    list_select_related = ["unit", "group"]
    inlines = [DiagnosisInline, ActionInline]


@admin.register(Action)
class ActionAdmin(_ReadOnly):
    list_display = ["title", "plan", "owner_level", "status", "start_date", "end_date"]
    list_filter = ["status", "owner_level"]
    search_fields = ["title", "plan__unit__name"]
    list_select_related = ["plan__unit", "plan__group"]
    inlines = [ActionIndicatorInline]


@admin.register(ActionComment)
class ActionCommentAdmin(_ReadOnly):
    list_display = ["action", "author", "created_at"]
    list_select_related = ["action", "author"]


@admin.register(PlanVersion)
class PlanVersionAdmin(_ReadOnly):
    list_display = ["plan", "number", "created_at", "created_by"]
    list_select_related = ["plan__unit", "plan__group", "created_by"]


@admin.register(PlanEvent)
class PlanEventAdmin(_ReadOnly):
    list_display = ["plan", "kind", "at", "by"]
    list_filter = ["kind"]
    list_select_related = ["plan__unit", "plan__group", "by"]


@admin.register(ProgressReport)
class ProgressReportAdmin(_ReadOnly):
    list_display = ["action", "status", "percent_done", "meeting", "written_by", "written_at"]
    list_filter = ["status"]
    list_select_related = ["action", "meeting", "written_by"]
    inlines = [ProgressAttachmentInline]
