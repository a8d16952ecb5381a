from typing import Any

from django.core.management.base import BaseCommand

from benchlearn.collection.notices import deadlines_near_notify


class Command(BaseCommand):
    help = (
        "Tell the units of every open round whose deadline is near and who have not "
        "submitted yet (once per person, round and deadline). Run it daily, e.g. from cron; "
        "a worker sends the messages."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = deadlines_near_notify()
        self.stdout.write(f"{rounds}")
