from typing import Any

from django.contrib.staticfiles.management.commands import collectstatic

from benchlearn.reports.bundle import ensure_bundle


class Command(collectstatic.Command):
    """collectstatic that first writes the chart library bundle (see reports/bundle.py),
    so that a deployment collects it with the other static files. This app is listed
    before django.contrib.staticfiles so that this command is the one Django runs."""

    def handle(self, **options: Any) -> str | None:
        ensure_bundle()
        return super().handle(**options)
