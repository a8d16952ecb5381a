"""Locust respondents for ``bench_survey_page``, read by ``locust -f``.

Each round a respondent is a new person (its cookies cleared): it opens a random unit's
open link (the introduction), starts (the intro's form sent back as a browser sends it:
the CSRF token, the signed time the page was shown, the honeypot left empty, the
``start`` button), then answers page by page what each page shows, with the page form's
own field names (a choice among the radio buttons offered, one or more of the check
boxes, a number within the question's bounds, a short or empty open answer), and sends
it with ``next`` until the thanks page. The skip logic is the server's: a page shows
only the questions asked after the answers so far. A post the server does not take
(a 400 with its problem, or the status page) is counted as refused and ends the round.
"""

import json
import os
import random
from html.parser import HTMLParser

from locust import HttpUser, between, task

_SETUP = json.loads(os.environ["BENCH_SURVEY_SETUP"])
_NUMBERS: dict[str, list[float]] = _SETUP.get("numbers", {})
_OPINIONS = ["", "", "Częściej odbierać szkło.", "Więcej koszy na ulicach.", "Jest dobrze."]
# More pages than any questionnaire has: a loop of redirects would stop here.
_MAX_PAGES = 30


class _Form(HTMLParser):
    """The fields of the page's form that posts with ``button`` (not the language
    switch's): hidden values, the choices offered per radio or check-box name, the
    number and open-text fields, and fields left as they are (the honeypot, which no
    person sees or tabs into)."""

    def __init__(self, page: str, button: str) -> None:
        super().__init__()
        self.button = button
        self._inside = self._found = False
        self._start()
        self.feed(page)

    def _start(self) -> None:
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.boxes: dict[str, list[str]] = {}
        self.numbers: list[str] = []
        self.texts: list[str] = []
        self.untouched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("method", "").lower() == "post" and not self._found:
            self._inside = True
            self._start()
        if not self._inside or not found.get("name"):
            return
        name = found["name"]
        kind = found.get("type", "text").lower()
        if tag == "button":
            self._found = self._found or name == self.button
        elif tag == "textarea":
            self.texts.append(name)
        elif tag != "input":
            return
        elif kind == "hidden":
            self.hidden[name] = found.get("value", "")
        elif kind == "radio":
            self.radios.setdefault(name, []).append(found.get("value", ""))
        elif kind == "checkbox":
            self.boxes.setdefault(name, []).append(found.get("value", ""))
        elif found.get("tabindex") == "-1":
            self.untouched.append(name)
        elif found.get("inputmode") == "decimal":
            self.numbers.append(name)
        else:
            self.untouched.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False

    def answered(self) -> list[tuple[str, str]]:
        """What a person's browser sends: every field of the form, answered, and the
        button pressed; nothing when the page has no such form."""
        if not self._found:
            return []
        sent = list(self.hidden.items())
        sent += [(name, "") for name in self.untouched]
        sent += [(name, random.choice(values)) for name, values in self.radios.items()]  # noqa: S311
        for name, values in self.boxes.items():
            chosen = random.sample(values, random.randint(1, min(3, len(values))))  # noqa: S311
            sent += [(name, value) for value in chosen]
        for name in self.numbers:
            low, high = _NUMBERS.get(name, [0, 100])
            sent.append((name, str(random.randint(int(low), int(high)))))  # noqa: S311
        sent += [(name, random.choice(_OPINIONS)) for name in self.texts]  # noqa: S311
        sent.append((self.button, "1"))
        return sent


class Respondent(HttpUser):
    # A person reads each page before sending it: a short pause, far shorter than a
    # person's (the flood guard's minimum time is lifted for the benchmark's server).
    wait_time = between(0.1, 0.5)

    @task
    def respond(self) -> None:
        self.client.cookies.clear()
        token = random.choice(_SETUP["tokens"])  # noqa: S311 - a benchmark's choice
        location = f"/s/{token}/"
        shown = self.client.get(location, name="intro (GET)")
        if shown.status_code != 200:
            return
        self.wait()
        taken = self._send(location, _Form(shown.text, "start").answered(), "start (POST)")
        if taken is None:
            return
        location = taken
        for _page in range(_MAX_PAGES):
            if location.rstrip("/").endswith("/thanks"):
                self.client.get(location, name="thanks (GET)")
                return
            shown = self.client.get(location, name="page (GET)")
            if shown.status_code != 200:
                return
            self.wait()
            taken = self._send(location, _Form(shown.text, "next").answered(), "answers (POST)")
            if taken is None:
                return
            location = taken

    def _send(self, location: str, data: list[tuple[str, str]], name: str) -> str | None:
        """Post a form as a browser does: where it leads when taken (a redirect onwards),
        None when refused."""
        with self.client.post(
            location, data=data, name=name, allow_redirects=False, catch_response=True
        ) as sent:
            if sent.status_code != 302:
                sent.failure(f"refused ({sent.status_code})")
                return None
            sent.success()
            return str(sent.headers["Location"])
