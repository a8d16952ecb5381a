from typing import Any

from django.core.management.base import BaseCommand

from benchlearn.meetings.notices import meetings_remind


class Command(BaseCommand):
    help = (
        "Remind the groups' people of their meetings 14 and 2 days before, and the owners "
        "of open action items due soon (each once). Run it daily, e.g. from cron; a worker "
        "sends the messages."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        meetings, actions = meetings_remind()
        self.stdout.write(f"{meetings} {actions}")
