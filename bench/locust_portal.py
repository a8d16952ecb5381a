"""Locust readers of the public portal for ``bench_portal``, read by ``locust -f``: each
opens a random indicator's averaged results in a random year, without an account, and
its three charts, as a browser does, one page after another."""

import json
import os
import random

from locust import HttpUser, task

_PATHS: list[str] = json.loads(os.environ["BENCH_PORTAL_PATHS"])


class PortalReader(HttpUser):
    @task
    def results(self) -> None:
        path = random.choice(_PATHS)  # noqa: S311 - a benchmark's choice
        self.client.get(path, name="results")
        for dimension in ("kind", "band", "voivodeship"):
            self.client.get(f"{path}{dimension}.svg", name="chart")
