from typing import Any

from django.core.management.base import BaseCommand

from benchlearn.reports.bundle import ensure_bundle


class Command(BaseCommand):
    help = "Write the browser's chart library (vega, vega-lite, vega-embed) from vl-convert."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(ensure_bundle()))
