import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from benchlearn.board.digest import board_digest_send


class Command(BaseCommand):
    help = (
        "Send the daily digest of the groups' boards: one e-mail to each person who chose "
        "it, listing the day's new posts (by default yesterday's). Run it daily, e.g. from "
        "cron after midnight; a worker sends the messages, and nobody gets a day twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=datetime.date.fromisoformat, help="the day, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["day"] or timezone.localdate() - datetime.timedelta(days=1)
        self.stdout.write(f"{board_digest_send(day=day)}")
