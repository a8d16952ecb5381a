"""Locust users for ``bench_soak``: participants who open their unit's pages, save
values on the form, upload a CSV of values and download their template, and the office
(two people) who page through the national round's progress, list the rounds and
download every value as CSV. Sessions come from the set-up (``BENCH_SOAK_SETUP``).
Read by ``locust -f``, not run by ``make bench`` directly.

Each request is named by its kind (page, save, upload, export): the benchmark reports
errors and the 95th percentile per kind. A save or an upload that the application
refuses counts as an error: every participant edits their own unit from the revisions
the form just showed, so nothing should be refused.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

_SETUP = json.loads(os.environ["BENCH_SOAK_SETUP"])
_ROUND = _SETUP["round"]
_NEXT = itertools.count()
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_REVISION = re.compile(r'name="revision" value="(\d+)"')
_BASES = re.compile(r'name="r-([\w-]+)" value="(\d+)"')


def _number() -> str:
    return f"{random.randint(1_000, 99_999)},{random.randint(0, 99):02d}"  # noqa: S311


class Participant(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        people = _SETUP["participants"]
        me = people[next(_NEXT) % len(people)]
        self.teryt = me["teryt"]
        self.client.cookies.set("sessionid", me["session"])
        self.form = f"/rounds/{_ROUND}/units/{self.teryt}/"

    @task(4)
    def form_page(self) -> None:
        self.client.get(self.form, name="page")

    @task(2)
    def dashboard(self) -> None:
        self.client.get(f"/units/{self.teryt}/results/", name="page")

    @task(1)
    def start_page(self) -> None:  # not ``start``: a User's own method
        self.client.get("/", name="page")

    @task(1)
    def round_results(self) -> None:
        self.client.get(f"/rounds/{_ROUND}/results/", name="page")

    @task(3)
    def save(self) -> None:
        html = self.client.get(self.form, name="page").text
        token, revision = _TOKEN.search(html), _REVISION.search(html)
        bases = dict(_BASES.findall(html))
        if token is None or revision is None or not bases:
            return
        data = {"csrfmiddlewaretoken": token[1], "revision": revision[1], "action": "save"}
        for code in random.sample(sorted(bases), 3):
            data[f"v-{code}"] = _number()
            data[f"r-{code}"] = bases[code]
        with self.client.post(
            self.form, data=data, name="save", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"save answered {response.status_code}")

    @task(1)
    def upload(self) -> None:
        address = f"{self.form}upload/"
        token = _TOKEN.search(self.client.get(address, name="page").text)
        if token is None:
            return
        codes = random.sample(_SETUP["codes"], 10)
        lines = [_SETUP["csv_header"], *(f"{self.teryt};{code};{_number()};" for code in codes)]
        body = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()
        with self.client.post(
            address,
            data={"csrfmiddlewaretoken": token[1]},
            files={"file": ("values.csv", body, "text/csv")},
            name="upload",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"upload answered {response.status_code}")

    @task(1)
    def template(self) -> None:
        self.client.get(f"{self.form}template.xlsx", name="export")


class Office(HttpUser):
    fixed_count = 2
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", _SETUP["operator"])

    @task(4)
    def round_page(self) -> None:
        page = random.randint(1, _SETUP["pages"])  # noqa: S311
        order = random.choice(("unit", "errors", "warnings", "filled"))  # noqa: S311
        self.client.get(f"/rounds/{_ROUND}/?sort={order}&dir=desc&page={page}", name="page")

    @task(1)
    def round_list(self) -> None:
        self.client.get("/rounds/", name="page")

    @task(1)
    def values_csv(self) -> None:
        self.client.get(f"/rounds/{_ROUND}/values.csv", name="export")
