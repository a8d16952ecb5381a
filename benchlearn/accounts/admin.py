from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group as DjangoGroup
from django.utils.translation import gettext_lazy as _

from benchlearn.accounts.models import ApiToken, User
from benchlearn.units.models import UnitMembership


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created", "last_used"]
    readonly_fields = ["prefix", "digest", "created", "last_used"]
    search_fields = ["name", "user__email"]


# Roles live in Benchlearn's own model (operator flag, unit memberships, group
# moderators); Django's permission groups are not used.
admin.site.unregister(DjangoGroup)
