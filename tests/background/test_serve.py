"""`benchlearn serve` (what `make demo` runs): the web server and a worker from one
command, both stopped by one Ctrl-C."""

import json
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.sites import ROOT, manage, run, site

pytestmark = pytest.mark.timeout(600)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.TransportError:
        return False
    return True


def test_serve_runs_the_site_and_a_worker_and_one_ctrl_c_stops_both(tmp_path):
    with site(tmp_path, "serve") as env:
        manage(env, "migrate", "--verbosity", "0")
        run(env, "tests.background.site_work", "compute")  # a computation waits
        port = _free_port()
        url = f"http://127.0.0.1:{port}/"
        log = tmp_path / "serve.log"
        with log.open("wb") as output:
            serve = subprocess.Popen(
                [sys.executable, "-m", "benchlearn", "serve", f"127.0.0.1:{port}"],
                env=env,
                cwd=ROOT,
                stdout=output,
                stderr=output,
            )
        try:
            report: dict = {}
            for _attempt in range(1500):
                report = json.loads(run(env, "tests.background.site_work", "report").stdout)
                if _answers(url) and report["computations"][0]["state"] == "done":
                    break
                assert serve.poll() is None, log.read_text()
                time.sleep(0.2)
            assert _answers(url), log.read_text()
            assert report["computations"][0]["state"] == "done", log.read_text()
            assert report["workers"] == 1
            serve.send_signal(signal.SIGINT)
            assert serve.wait(timeout=120) == 0, log.read_text()
        finally:
            if serve.poll() is None:
                serve.kill()
        assert not _answers(url)
        # The worker stopped cleanly (it removes its heartbeat as it goes).
        assert json.loads(run(env, "tests.background.site_work", "report").stdout)["workers"] == 0
