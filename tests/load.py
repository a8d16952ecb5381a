"""Eight people saving their forms through a real web server (gunicorn: two processes
of four threads) on a site of its own (``tests.sites``), set up by
``tests.collection.site_process``."""

from __future__ import annotations

import html
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.sites import ROOT, run

SAVES = 5


def hidden_fields(page: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page)
    } | dict(re.findall(r'name="(csrfmiddlewaretoken)" value="([^"]*)"', page))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def expected_edu_exp(number: int, save: int) -> str:
    return str(1000 + number * 10 + save)


def _person(
    base: str, round_id: int, person: dict, number: int, saves: int, start, outcomes: list
) -> None:
    """Opens the form and saves two values, ``saves`` times, pressing Save with the others."""
    url = f"/rounds/{round_id}/units/{person['teryt']}/"
    with httpx.Client(base_url=base, cookies={"sessionid": person["session"]}, timeout=300) as web:
        for save in range(saves):
            page = web.get(url)
            if page.status_code != 200:
                outcomes.append((person["teryt"], save, "GET", page.status_code))
                continue
            fields = hidden_fields(page.text)
            data = {
                "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                "revision": fields["revision"],
                "v-EDU_EXP": expected_edu_exp(number, save),
                "r-EDU_EXP": fields["r-EDU_EXP"],
                "v-TEACHERS": str(save + 1),
                "r-TEACHERS": fields["r-TEACHERS"],
            }
            start.wait(timeout=300)  # everybody presses Save together
            answer = web.post(url, data=data)
            outcomes.append((person["teryt"], save, "POST", answer.status_code))


def people_save(
    env: dict[str, str],
    folder: Path,
    *,
    saves: int = SAVES,
    meanwhile: Callable[[list], Any] | None = None,
) -> tuple[dict, list]:
    """Set the site up, let its eight participants save at once, ``saves`` times each, and
    run ``meanwhile`` while they do (given the answers so far, a list that grows); the
    site's state (round, people) and every answer."""
    state = json.loads(run(env, "tests.collection.site_process", "setup").stdout.splitlines()[-1])
    port = _free_port()
    log = folder / "server.log"
    server = _server(env, port, log)
    try:
        start = threading.Barrier(len(state["people"]))
        outcomes: list = []
        base = f"http://127.0.0.1:{port}"
        threads = [
            threading.Thread(
                target=_person, args=(base, state["round"], person, n, saves, start, outcomes)
            )
            for n, person in enumerate(state["people"])
        ]
        for thread in threads:
            thread.start()
        if meanwhile is not None:
            meanwhile(outcomes)
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
    failed = [outcome for outcome in outcomes if outcome[3] != 302]
    assert not failed, (
        f"{len(failed)} of {len(outcomes)} saves failed: {failed}\n" + log.read_text()[-5000:]
    )
    return state, outcomes
