"""The competency scheme, the learning suggestions and the trainings in the admin, to
look at: they change on their own pages, whose services check who asks and refuse to
change a published version.

People's assessments, ratings, their changes and development goals are deliberately not
here: they are the person's own, and the office reads an individual assessment only
where the person was told it would (``Assessment.office_may_see``), on the pages that
check it. The admin would show them all."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Model

from benchlearn.competencies.models import (
    Behaviour,
    Competency,
    CompetencyScheme,
    Invitee,
    LearningResource,
    Training,
)


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: Model | None = None) -> bool:
        return False


class CompetencyInline(_ReadOnlyInline):
    model = Competency
    fields = [
        "order",
        "code",
        "name_pl",
        "expected_strategic",
        "expected_middle",
        "expected_operational",
    ]
    show_change_link = True


class BehaviourInline(_ReadOnlyInline):
    model = Behaviour
    fields = ["level", "text_pl", "text_en"]


class InviteeInline(_ReadOnlyInline):
    model = Invitee
    fields = ["person", "attended", "recorded_at"]


@admin.register(CompetencyScheme)
class CompetencySchemeAdmin(_ReadOnly):
    list_display = ["version", "name_pl", "shipped", "published_at", "published_by", "created_at"]
    list_select_related = ["published_by"]
    inlines = [CompetencyInline]


@admin.register(Competency)
class CompetencyAdmin(_ReadOnly):
    list_display = ["code", "name_pl", "scheme", "order"]
    list_filter = ["scheme"]
    search_fields = ["code", "name_pl", "name_en"]
    list_select_related = ["scheme"]
    inlines = [BehaviourInline]


@admin.register(LearningResource)
class LearningResourceAdmin(_ReadOnly):
    list_display = ["title", "competency_code", "kind", "programme", "added_at"]
    list_filter = ["kind", "competency_code"]
    search_fields = ["title", "description"]
    list_select_related = ["programme"]
    # Django 6 reads an address typed without a scheme as https; say so now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Training)
class TrainingAdmin(_ReadOnly):
    list_display = ["title", "programme", "date", "created_by"]
    list_filter = ["programme"]
    search_fields = ["title"]
    list_select_related = ["programme", "created_by"]
    inlines = [InviteeInline]
