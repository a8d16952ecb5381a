from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from benchlearn.background.worker import BeatingWorker


class Command(DbWorkerCommand):
    help = (
        "Run background tasks (imports, computations, PDF packs, e-mails) from the "
        "database queue until stopped: Ctrl-C or SIGTERM finishes the current task "
        "first. Start as many as wanted, on any machine that reaches the database."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = BeatingWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
