import logging
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from benchlearn.demo.build import DEMO_PASSWORD, demo_build


class Command(BaseCommand):
    help = (
        "Create the demo programme (real units, one account per role) and print its "
        "accounts. Safe to run again; --reset empties the database first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete everything in the database (every account and all data) first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("The database was emptied.")
        # The demo's e-mails (invitations, reminders) are dropped and its tasks run
        # quietly: a new user reads the accounts below, not pages of logs.
        tasks_log = logging.getLogger("django_tasks")
        level = tasks_log.level
        tasks_log.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                shown = demo_build()
        finally:
            tasks_log.setLevel(level)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/"))
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        width = max(len(item.account.email) for item in shown)
        for item in shown:
            account = item.account
            self.stdout.write(f"  {account.role:<12} {account.email:<{width}}  {account.full_name}")
            indent = " " * (17 + width)
            if item.unit:
                self.stdout.write(f"{indent}unit: {item.unit}, level: {item.level}")
            for group in item.groups:
                self.stdout.write(f"{indent}group: {group}")
