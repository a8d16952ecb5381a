from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    name = "benchlearn.practices"
    label = "practices"
    verbose_name = _("Good practices")

    def ready(self) -> None:
        # Registers the practices' kinds of notification (the steps of the review).
        from benchlearn.practices import notices  # noqa: F401
