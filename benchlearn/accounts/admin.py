"""The admin of accounts. Every change of roles and rights made here goes through the
services, which record it (see AccessChange), like the same change made anywhere else."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group as DjangoGroup
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from benchlearn.accounts.models import AccessChange, ApiToken, User
from benchlearn.accounts.services import (
    ROLE_FLAGS,
    api_token_revoke,
    api_tokens_expire,
    user_password_changed,
    user_roles_set,
)
from benchlearn.units.models import Level, UnitMembership
from benchlearn.units.services import unit_membership_remove, unit_membership_set

ADMIN = "admin"


class MembershipInline(admin.TabularInline[UnitMembership, User]):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["unit"]


class UserCreationForm(AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChange(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


def memberships_save(request: HttpRequest, formset: BaseInlineFormSet[Any, Any, Any]) -> None:
    """Save an admin formset of unit memberships through the services (recorded)."""
    by = request.user if isinstance(request.user, User) else None
    changed = formset.save(commit=False)
    for membership in formset.deleted_objects:
        unit_membership_remove(user=membership.user, unit=membership.unit, by=by, via=ADMIN)
    for membership in changed:
        membership_save(membership, by=by)


def membership_save(membership: UnitMembership, *, by: User | None) -> None:
    if membership.pk is not None:
        before = UnitMembership.objects.select_related("user", "unit").get(pk=membership.pk)
        if (before.user_id, before.unit_id) != (membership.user_id, membership.unit_id):
            unit_membership_remove(user=before.user, unit=before.unit, by=by, via=ADMIN)
    unit_membership_set(
        user=membership.user,
        unit=membership.unit,
        level=Level(membership.level),
        by=by,
        via=ADMIN,
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = UserChange
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_operator", "is_active", "last_login"]
    list_filter = ["is_operator", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Roles"), {"fields": ("is_operator", "is_active", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2", "is_operator"),
            },
        ),
    )
    filter_horizontal = ()

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        # The form has set the flags on obj; they are put back as stored, the rest is
        # saved, and the service changes (and records) the flags.
        wanted = {field: getattr(obj, field) for field in ROLE_FLAGS}
        stored = User.objects.get(pk=obj.pk) if change else User()
        for field in ROLE_FLAGS:
            setattr(obj, field, getattr(stored, field))
        super().save_model(request, obj, form, change)
        by = request.user if isinstance(request.user, User) else None
        user_roles_set(user=obj, by=by, via=ADMIN, **wanted)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is UnitMembership:
            memberships_save(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        user = self.get_object(request, unquote(id))
        before = user.password if user else None
        response = super().user_change_password(request, id, form_url)
        if user is not None:
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                by = request.user if isinstance(request.user, User) else None
                user_password_changed(user=user, by=by, via=ADMIN)
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are made by their owners (the key is shown once); here they are seen and
    revoked (deleted), which is recorded."""

    list_display = ["name", "user", "prefix", "read_only", "created", "expires", "last_used"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "read_only",
        "created",
        "expires",
        "last_used",
    ]
    exclude = ["digest", "password_stamp"]
    search_fields = ["name", "user__email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        by = request.user if isinstance(request.user, User) else None
        api_token_revoke(token=obj, by=by, via=ADMIN)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.select_related("user"):
            self.delete_model(request, token)


@admin.register(AccessChange)
class AccessChangeAdmin(admin.ModelAdmin[AccessChange]):
    """The record of changes of access, for operators to read; nobody edits it."""

    list_display = [
        "at",
        "kind",
        "user_email",
        "target",
        "old_value",
        "new_value",
        "by_email",
        "via",
    ]
    list_filter = ["kind", "via"]
    search_fields = ["user_email", "target", "by_email", "old_value", "new_value"]
    date_hierarchy = "at"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Tokens that expired unused enter the log (at their expiry) before it is read.
        api_tokens_expire()
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessChange | None = None) -> bool:
        return False


# Roles live in Benchlearn's own model (operator flag, unit memberships, group
# moderators); Django's permission groups are not used.
admin.site.unregister(DjangoGroup)
