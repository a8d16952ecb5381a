from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "benchlearn.plans"
    label = "plans"
    verbose_name = _("Improvement plans")

    def ready(self) -> None:
        # Registers the plans' kinds of notification (the steps of a plan's workflow,
        # a progress report due).
        from benchlearn.plans import notices, reminders  # noqa: F401
