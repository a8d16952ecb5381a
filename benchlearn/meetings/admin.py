from django.contrib import admin

from benchlearn.meetings.models import Meeting, MeetingChange


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    """Read-only here: meetings change on the group's pages, which record each change."""

    list_display = ["group", "number", "date", "host", "state", "minutes_state"]
    list_filter = ["state", "minutes_state"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(MeetingChange)
class MeetingChangeAdmin(admin.ModelAdmin[MeetingChange]):
    list_display = ["meeting", "what", "by", "at", "via"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
