from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "benchlearn.public"
    label = "public"
    verbose_name = "Public portal"
