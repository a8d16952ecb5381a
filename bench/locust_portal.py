"""Locust readers of the public portal for ``bench_portal``, read by ``locust -f``: each
opens a random indicator's averaged results in a random year, without an account, one
page after another."""

import json
import os
import random

from locust import HttpUser, task

_PATHS: list[str] = json.loads(os.environ["BENCH_PORTAL_PATHS"])


class PortalReader(HttpUser):
    @task
    def results(self) -> None:
        self.client.get(random.choice(_PATHS), name="results")  # noqa: S311
