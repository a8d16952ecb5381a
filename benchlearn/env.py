"""Typed readers of settings from the environment.

Every setting that differs between a laptop, CI and production is read here, so the
settings module stays a flat list of plain values.
"""

import os

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(ValueError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise EnvError(f"{name} must be a whole number; got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_cache(name: str, default: str, folder: str) -> dict[str, object]:
    """Django's default cache from one word: ``locmem`` (each process its own),
    ``file`` or ``file:/path`` (files in ``folder`` or the path: shared by the
    processes of one machine), ``redis://…`` or ``memcached://host:port`` (shared by
    several machines; the server's Python client installed beside benchlearn)."""
    raw = os.environ.get(name, "").strip() or default
    if raw == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if raw == "file" or raw.startswith("file:"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": raw.removeprefix("file:") if raw != "file" else folder,
            # Django's file cache resets an entry's life to this default when it counts
            # (incr): an hour and a minute, the rate limits' window. Culling past
            # MAX_ENTRIES drops entries at random, so room for every open link's count.
            "TIMEOUT": 61 * 60,
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if raw.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    if raw.startswith("memcached://"):
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": raw.removeprefix("memcached://"),
        }
    raise EnvError(
        f"{name} must be locmem, file, file:/path, redis://… or memcached://host:port; got {raw!r}"
    )
