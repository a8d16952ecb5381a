from typing import Any

from django.core.management.base import BaseCommand

from benchlearn.notifications.services import notifications_prune


class Command(BaseCommand):
    help = (
        "Delete read notifications older than 180 days and unread ones older than 365 "
        "days. Run it daily, e.g. from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = notifications_prune()
        self.stdout.write(f"{deleted}")
