"""Locust respondents for ``bench_survey_page``: each opens a random unit's open link of
the survey (the public answer page, no account) and goes on answering: the page's
questions sent back page by page where the page takes a POST. Read by ``locust -f``."""

import json
import os
import random
import re

from locust import HttpUser, between, task

_SETUP = json.loads(os.environ["BENCH_SURVEY_SETUP"])
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Respondent(HttpUser):
    wait_time = between(0.1, 0.5)

    @task
    def answer(self) -> None:
        token = random.choice(_SETUP["tokens"])  # noqa: S311 - a benchmark's choice
        page = self.client.get(f"/s/{token}/", name="answer page")
        found = _CSRF.search(page.text or "")
        if found is None:
            return
        answers = {"csrfmiddlewaretoken": found.group(1)}
        answers |= {
            f"q-{code}": random.choice(values)  # noqa: S311
            for code, values in _SETUP["answers"].items()
        }
        self.client.post(
            page.url or f"/s/{token}/",
            data=answers,
            name="answer page",
            headers={"Referer": page.url or ""},
        )
