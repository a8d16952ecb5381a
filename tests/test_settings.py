"""Settings from the environment; production settings pass Django's deployment check."""

import os
import subprocess
import sys

import pytest

from benchlearn.env import EnvError, env_bool, env_int, env_list

PRODUCTION_ENV = {
    "BENCHLEARN_PRODUCTION": "1",
    "BENCHLEARN_SECRET_KEY": "x7Qp2-very-long-random-secret-key-for-the-deploy-check-9f8e7d6c5b4a",
    "BENCHLEARN_ALLOWED_HOSTS": "benchlearn.example.org",
}


def _benchlearn(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("BENCHLEARN_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for themselves
    return subprocess.run(
        [sys.executable, "-m", "benchlearn", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings(tmp_path):
    result = _benchlearn(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENV, "BENCHLEARN_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION_ENV, "BENCHLEARN_DATA_DIR": str(tmp_path)}
    del env["BENCHLEARN_SECRET_KEY"]
    result = _benchlearn("check", env=env)
    assert result.returncode != 0
    assert "BENCHLEARN_SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key_with_a_clear_message(tmp_path):
    env = {**PRODUCTION_ENV, "BENCHLEARN_DATA_DIR": str(tmp_path)}
    env["BENCHLEARN_SECRET_KEY"] = "x" * 49
    result = _benchlearn("check", env=env)
    assert result.returncode != 0
    assert "BENCHLEARN_SECRET_KEY of at least 50 random characters (it has 49)" in result.stderr
    env["BENCHLEARN_SECRET_KEY"] = "k" * 9 + "x7Qp2-0123456789-abcdefghij-ABCDEFGHIJ-zz"
    assert len(env["BENCHLEARN_SECRET_KEY"]) == 50
    assert _benchlearn("check", env=env).returncode == 0


def test_development_defaults_fail_the_deploy_check(tmp_path):
    result = _benchlearn(
        "check", "--deploy", "--fail-level", "WARNING", env={"BENCHLEARN_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode != 0


@pytest.mark.parametrize("raw, expected", [("1", True), ("yes", True), ("off", False), ("", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


def test_env_readers_reject_nonsense_with_the_variable_name(monkeypatch):
    monkeypatch.setenv("X_FLAG", "perhaps")
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(EnvError, match="X_FLAG"):
        env_bool("X_FLAG")
    with pytest.raises(EnvError, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_env_list(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.example.org, b.example.org ,")
    assert env_list("X_HOSTS", []) == ["a.example.org", "b.example.org"]
    monkeypatch.delenv("X_HOSTS")
    assert env_list("X_HOSTS", ["default"]) == ["default"]


def test_database_url_selects_postgresql(tmp_path):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'benchlearn.settings'\n"
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    )
    clean = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
        ],
        env={
            **clean,
            "DATABASE_URL": "postgres://u:p@db.example.org:5432/benchlearn",
            "BENCHLEARN_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def _cache_backend(tmp_path, **env: str) -> str:
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'benchlearn.settings'\n"
        "from django.conf import settings; c = settings.CACHES['default']\n"
        "print(c['BACKEND'].rsplit('.', 1)[1], c.get('LOCATION', ''))"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("BENCHLEARN_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "BENCHLEARN_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 or env.get("BENCHLEARN_CACHE") == "nonsense", result.stderr
    return result.stdout.strip() or result.stderr


def test_the_rate_limits_cache_is_shared_by_a_productions_processes(tmp_path):
    """The residents' pages count their limits in the cache: in production every server
    process of the machine shares files in the data folder; in development one process
    keeps them in memory; several machines name a shared server."""
    assert _cache_backend(tmp_path, **PRODUCTION_ENV) == f"FileBasedCache {tmp_path / 'cache'}"
    assert _cache_backend(tmp_path) == "LocMemCache"
    shared = _cache_backend(tmp_path, **PRODUCTION_ENV, BENCHLEARN_CACHE="redis://cache:6379/0")
    assert shared == "RedisCache redis://cache:6379/0"
    assert "BENCHLEARN_CACHE must be locmem" in _cache_backend(
        tmp_path, BENCHLEARN_CACHE="nonsense"
    )
