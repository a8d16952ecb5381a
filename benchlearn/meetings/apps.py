from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "benchlearn.meetings"
    label = "meetings"
    verbose_name = _("Group meetings")

    def ready(self) -> None:
        # Registers the meetings' kinds of notification (reminders, minutes published).
        from benchlearn.meetings import notices  # noqa: F401
