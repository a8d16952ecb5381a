from typing import Any

from django.core.management.base import BaseCommand

from benchlearn.plans.reminders import progress_reports_remind


class Command(BaseCommand):
    help = (
        "Remind the owners of improvement plans' open actions (or their unit's team) whose "
        "progress report for the group's next meeting is missing, a few days before it "
        "(BENCHLEARN_PLAN_REPORT_REMINDER_DAYS; each once per action and meeting). Run it "
        "daily, e.g. from cron; a worker sends the messages."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(progress_reports_remind()))
