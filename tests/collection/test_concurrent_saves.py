"""Eight people saving their forms at the same moment, through a real web server
(gunicorn: two processes of four threads) on a database file of its own: every save
is stored with its history, none is answered with an error. On SQLite this needs
immediate write transactions and a busy timeout (before them most saves failed with
"database is locked")."""

import html
import json
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from django.db import OperationalError

from benchlearn.collection.models import Value
from tests.conftest import TERYT_A, client_for
from tests.sites import ROOT, manage, run, site

PEOPLE = 8
SAVES = 5

pytestmark = pytest.mark.timeout(600)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _hidden_fields(page: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page)
    } | dict(re.findall(r'name="(csrfmiddlewaretoken)" value="([^"]*)"', page))


def _server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "benchlearn.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--threads", "4", "--timeout", "300"]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=output)
    for _attempt in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
            return server
        except httpx.TransportError:
            if server.poll() is not None:
                raise AssertionError(log.read_text()) from None
            time.sleep(0.2)
    server.terminate()
    raise AssertionError("the server did not start:\n" + log.read_text())


def _person(
    base: str, round_id: int, person: dict[str, str], number: int, start, outcomes: list
) -> None:
    url = f"/rounds/{round_id}/units/{person['teryt']}/"
    with httpx.Client(base_url=base, cookies={"sessionid": person["session"]}, timeout=300) as web:
        for save in range(SAVES):
            page = web.get(url)
            if page.status_code != 200:
                outcomes.append((person["teryt"], save, "GET", page.status_code))
                continue
            fields = _hidden_fields(page.text)
            data = {
                "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                "revision": fields["revision"],
                "v-EDU_EXP": str(1000 + number * 10 + save),
                "r-EDU_EXP": fields["r-EDU_EXP"],
                "v-TEACHERS": str(save + 1),
                "r-TEACHERS": fields["r-TEACHERS"],
            }
            start.wait(timeout=300)  # everybody presses Save together
            answer = web.post(url, data=data)
            outcomes.append((person["teryt"], save, "POST", answer.status_code))


def test_eight_people_save_at_once_and_every_save_is_stored(tmp_path):
    with site(tmp_path, "concurrent") as env:
        manage(env, "migrate", "--verbosity", "0")
        setup = run(env, "tests.collection.site_process", "setup").stdout
        state = json.loads(setup.splitlines()[-1])
        port = _free_port()
        log = tmp_path / "server.log"
        server = _server(env, port, log)
        try:
            start = threading.Barrier(PEOPLE)
            outcomes: list = []
            threads = [
                threading.Thread(
                    target=_person,
                    args=(f"http://127.0.0.1:{port}", state["round"], person, n, start, outcomes),
                )
                for n, person in enumerate(state["people"])
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=60)
        failed = [outcome for outcome in outcomes if outcome[3] != 302]
        assert len(outcomes) == PEOPLE * SAVES
        assert not failed, (
            f"{len(failed)} of {len(outcomes)} saves failed: {failed}\n" + (log.read_text()[-5000:])
        )
        stored = json.loads(run(env, "tests.collection.site_process", "report").stdout)
    for number, person in enumerate(state["people"]):
        unit = stored[person["teryt"]]
        assert unit["values"] == {"EDU_EXP": f"{1000 + number * 10 + SAVES - 1}", "TEACHERS": "5"}
        # Every save changed both values: one history row each.
        assert unit["history"] == SAVES * 2
        assert [v for code, v in unit["history_values"] if code == "TEACHERS"] == [
            str(save + 1) for save in range(SAVES)
        ]


@pytest.mark.django_db
def test_a_save_that_still_finds_the_database_locked_is_asked_again_not_a_500(
    round_, sub_a, participant_a, monkeypatch
):
    # Past the busy timeout (a long write by someone else), SQLite gives up.
    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("benchlearn.collection.views.form.submission_save", locked)
    client = client_for(participant_a)
    client.raise_request_exception = False
    url = f"/rounds/{round_.pk}/units/{TERYT_A}/"
    page = client.get(url)
    fields = _hidden_fields(page.content.decode())
    data = {"revision": fields["revision"], "v-EDU_EXP": "5", "r-EDU_EXP": fields["r-EDU_EXP"]}
    response = client.post(url, data)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Nothing was saved: go back and send the form again" in response.content.decode()
    assert not Value.objects.exists()
