"""Locust users for ``bench_pages``: each opens a random unit's dashboard or one of its
indicator pages against a random comparison, logged in as the operator (whose session
cookie the setup wrote). Read by ``locust -f``, not run by ``make bench`` directly."""

import json
import os
import random

from locust import HttpUser, between, task

_SETUP = json.loads(os.environ["BENCH_PAGES_SETUP"])
_GROUPS = ("band", "voivodeship", "all", "neighbours")


class Reader(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", _SETUP["session"])

    @task
    def dashboard(self) -> None:
        unit = random.choice(_SETUP["units"])  # noqa: S311 - a benchmark's choice
        group = random.choice(_GROUPS)  # noqa: S311
        self.client.get(f"/units/{unit}/results/?group={group}", name="dashboard")

    @task
    def indicator(self) -> None:
        unit = random.choice(_SETUP["units"])  # noqa: S311
        code = random.choice(_SETUP["indicators"])  # noqa: S311
        group = random.choice(_GROUPS)  # noqa: S311
        self.client.get(f"/units/{unit}/results/{code}/?group={group}", name="indicator")
