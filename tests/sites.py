"""Sites of their own for tests that run the application in other processes (a web
server, the backup commands): a fresh data folder and database, on the engine the test
run uses (SQLite, or PostgreSQL when DATABASE_URL names one: then a database of its own
beside the test database, dropped afterwards)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _drop(url: str, name: str) -> None:
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def site(folder: Path, name: str) -> Iterator[dict[str, str]]:
    """The environment of a site with an empty database called ``name`` (no tables)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchlearn.settings"}
    env["BENCHLEARN_DATA_DIR"] = str(folder)
    env["BENCHLEARN_LOG_LEVEL"] = "WARNING"
    env["PYTHONPATH"] = str(ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    url = postgres_url()
    if url is None:
        env.pop("DATABASE_URL", None)
        env["DATABASE_URL"] = f"sqlite:///{folder / (name + '.sqlite3')}"
        yield env
        return
    database = f"{url.rsplit('/', 1)[1]}_{name}"
    _drop(url, database)
    with _admin(url) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    env["DATABASE_URL"] = f"{url.rsplit('/', 1)[0]}/{database}"
    try:
        yield env
    finally:
        _drop(url, database)


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``python -m args…`` in the site's environment."""
    done = subprocess.run(
        [sys.executable, "-m", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed:\n{done.stdout}\n{done.stderr}")
    return done


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """A ``benchlearn`` command in the site's environment."""
    return run(env, "benchlearn", *args, check=check)
