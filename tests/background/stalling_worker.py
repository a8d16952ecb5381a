"""``benchlearn worker`` that stops in the middle of its task and waits to be killed:
after the first SQL statement matching STALL_AFTER (a regular expression) has run, it
writes the file STALL_MARK and sleeps. Run as ``python -m tests.background.stalling_worker``
in a site's environment."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchlearn.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    pattern = re.compile(os.environ["STALL_AFTER"], re.IGNORECASE | re.DOTALL)
    mark = Path(os.environ["STALL_MARK"])

    def stall(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if pattern.search(sql):
            mark.write_text(f"in a transaction: {connection.in_atomic_block}\n{sql[:200]}")
            time.sleep(3600)
        return result

    with connection.execute_wrapper(stall):
        call_command("worker", "--no-startup-delay", "--interval", "0.2")


if __name__ == "__main__":
    main()
