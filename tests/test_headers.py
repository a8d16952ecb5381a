"""Security headers: the Content-Security-Policy and Permissions-Policy on every page,
``Cache-Control: private, no-store`` on everything behind the login, HSTS preload and
subdomains only when the site's owner asks for them; static files under hashed names,
cached for a year."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.test import Client

from benchlearn.accounts.services import api_token_create
from benchlearn.reports.bundle import bundle_name
from tests.conftest import client_for
from tests.sites import ROOT, manage, site
from tests.test_settings import PRODUCTION_ENV, _benchlearn

PRIVATE = "private, no-store"


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_every_page_carries_a_policy_without_inline_code_or_eval(db, participant_a):
    for response in (Client().get("/accounts/login/"), client_for(participant_a).get("/")):
        directives = _directives(response)
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_every_page_switches_off_powerful_browser_features(db, participant_a):
    for response in (Client().get("/accounts/login/"), client_for(participant_a).get("/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


def test_pages_behind_the_login_are_never_stored(participant_a, participant_b, stranger, unit_a):
    # The owner's unit page, the teammate's and the stranger's answers to it (a refusal
    # is no more cacheable than the page).
    for user in (participant_a, participant_b, stranger):
        response = client_for(user).get(f"/units/{unit_a.teryt}/")
        assert response["Cache-Control"] == PRIVATE, user
        assert "Expires" not in response


def test_downloads_are_never_stored(operator):
    response = client_for(operator).get("/catalogue/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == PRIVATE


def test_the_api_with_a_token_is_never_stored(participant_a):
    _token, key = api_token_create(user=participant_a, name="script")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_public_static_files_may_be_cached(db):
    response = Client().get("/static/benchlearn/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_welcome_page_for_visitors_is_not_marked_private(db):
    response = Client().get("/")
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


PRINT_HSTS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "settings.SECURE_HSTS_PRELOAD)"
)


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({}, "31536000 False False"),
        (
            {"BENCHLEARN_HSTS_INCLUDE_SUBDOMAINS": "1", "BENCHLEARN_HSTS_PRELOAD": "1"},
            "31536000 True True",
        ),
    ],
)
def test_hsts_preload_and_subdomains_only_when_configured(tmp_path, extra, expected):
    env = {
        **PRODUCTION_ENV,
        **extra,
        "BENCHLEARN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "benchlearn.settings",
    }
    result = _python(PRINT_HSTS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
    # Either way the deployment check passes: leaving them off is the owner's choice.
    deploy = _benchlearn("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr


def _python(code: str, *, env: dict[str, str]):
    clean = {key: value for key, value in os.environ.items() if not key.startswith("BENCHLEARN_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_hsts_header_is_sent_over_https_in_production_settings(db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    settings.SECURE_HSTS_PRELOAD = False
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=3600"
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=3600; includeSubDomains; preload"


def _serving(env: dict[str, str], url: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        serve = subprocess.Popen(
            [sys.executable, "-m", "benchlearn", "serve", url.split("//")[1].rstrip("/")],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=output,
        )
    for _attempt in range(600):
        assert serve.poll() is None, log.read_text()
        try:
            httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
        else:
            return serve
    raise AssertionError(f"the server did not answer:\n{log.read_text()}")


@pytest.mark.timeout(600)
def test_make_demo_serves_static_files_under_hashed_names_cached_for_a_year(tmp_path):
    # `make demo` runs `benchlearn serve`: static files collected, referred to by hashed
    # names and cached for good, so that a browser fetches the chart library once.
    with site(tmp_path, "static") as env:
        manage(env, "migrate", "--verbosity", "0")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}/"
        serve = _serving(env, url, tmp_path / "serve.log")
        try:
            page = httpx.get(f"{url}accounts/login/", timeout=30).text
            stylesheet = re.search(r'href="(/static/benchlearn/site\.([0-9a-f]{12})\.css)"', page)
            assert stylesheet, page
            manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
            chart_library = "/static/" + manifest["paths"][bundle_name()]
            assert chart_library != f"/static/{bundle_name()}"
            for path in (stylesheet[1], chart_library):
                response = httpx.get(f"{url.rstrip('/')}{path}", timeout=30)
                assert response.status_code == 200, path
                cache = response.headers["Cache-Control"]
                assert "immutable" in cache, path
                assert int(re.search(r"max-age=(\d+)", cache)[1]) >= 365 * 24 * 3600, path
            # Under its plain name a file may change: browsers ask again soon.
            plain = httpx.get(f"{url}static/benchlearn/site.css", timeout=30)
            assert plain.status_code == 200
            assert "immutable" not in plain.headers.get("Cache-Control", "")
            serve.send_signal(signal.SIGINT)
            assert serve.wait(timeout=120) == 0
        finally:
            if serve.poll() is None:
                serve.kill()
                serve.wait()
