from typing import Any

from django.core.management.base import BaseCommand

from benchlearn.demo.build import DEMO_PASSWORD, demo_build


class Command(BaseCommand):
    help = "Create the demo programme (real units, one account per role). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_build()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/"))
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        width = max(len(account.email) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.role:<12} {account.email:<{width}}  {account.full_name}")
