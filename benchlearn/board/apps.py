from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "benchlearn.board"
    label = "board"
    verbose_name = _("Group boards")
