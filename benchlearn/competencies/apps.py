from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "benchlearn.competencies"
    label = "competencies"
    verbose_name = _("Competencies")

    def ready(self) -> None:
        # Registers the competencies' kind of notification (a training's invitation).
        from benchlearn.competencies import notices  # noqa: F401
