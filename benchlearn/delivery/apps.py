from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "benchlearn.delivery"
    label = "delivery"
    verbose_name = _("Organisational forms of delivery")
