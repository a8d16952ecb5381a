import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve the site (Django's development server) and run background workers beside "
        "it: one command, all stopped by one Ctrl-C. Production runs gunicorn and "
        "`benchlearn worker` as services of their own."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=1, help="workers to run (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        benchlearn = [sys.executable, "-m", "benchlearn"]
        # Static files as production serves them: collected under hashed names, which
        # browsers may keep for a year (settings.STATIC_COLLECTED). Collected at every
        # start, so that the server never serves an older copy of a file.
        env = {**os.environ, "BENCHLEARN_STATIC_COLLECTED": "1"}
        self.stderr.write("Collecting static files…")
        subprocess.run([*benchlearn, "collectstatic", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
        commands = [[*benchlearn, "runserver", "--noreload", options["addrport"]]]
        commands += [[*benchlearn, "worker"]] * max(options["workers"], 0)
        # Each child in a process group of its own: a Ctrl-C reaches this process only,
        # which passes it on once (a worker stopped twice would abandon its task).
        children = [subprocess.Popen(c, process_group=0, env=env) for c in commands]  # noqa: S603
        stopping = ended_by_itself = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            if not stopping:
                self.stderr.write("Stopping the server and the workers…")
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM if not stopping else signal.SIGKILL)
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.2)
            ended_by_itself = not stopping
            if ended_by_itself:  # the others follow
                stop(signal.SIGTERM, None)
            for child in children:
                child.wait()
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        if ended_by_itself:
            sys.exit(1)
