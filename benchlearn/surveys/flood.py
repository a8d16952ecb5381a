"""Bots and floods on the residents' pages, without third-party services and without
keeping anyone's network address: a hidden field people leave empty (the honeypot), a
signed time the page was shown (a page sent back faster than a person reads is a bot's),
and limits counted in the cache per open link and for wrong codes."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

HONEYPOT = "website"
SHOWN_FIELD = "shown"
_SALT = "benchlearn.surveys.shown"
# A page left open longer than this must be reloaded (the signed time expires).
SHOWN_MAX_AGE = 24 * 60 * 60
HOUR = 60 * 60


def shown_stamp(now: float | None = None) -> str:
    """The signed time a page was shown, for its form."""
    return signing.dumps(now if now is not None else time.time(), salt=_SALT)


def seconds_since_shown(stamp: str, now: float | None = None) -> float | None:
    """Seconds since the page carrying ``stamp`` was shown; None when the stamp is
    missing, forged or too old."""
    try:
        shown = float(signing.loads(stamp, salt=_SALT, max_age=SHOWN_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return (now if now is not None else time.time()) - shown


def too_fast(stamp: str) -> bool:
    elapsed = seconds_since_shown(stamp)
    return elapsed is not None and elapsed < settings.SURVEY_MIN_SECONDS


def _count(key: str, limit: int) -> bool:
    """Count one more under ``key`` in this hour; whether it stays within ``limit``."""
    window = f"{key}:{int(time.time() // HOUR)}"
    cache.add(window, 0, timeout=HOUR + 60)
    try:
        count = cache.incr(window)
    except ValueError:  # expired between add and incr
        cache.set(window, 1, timeout=HOUR + 60)
        count = 1
    return count <= limit


def link_start_allowed(survey_unit_id: int) -> bool:
    """Count a response started through a unit's open link; whether it is allowed."""
    return _count(f"survey-starts:{survey_unit_id}", settings.SURVEY_LINK_STARTS_PER_HOUR)


def code_failure_allowed() -> bool:
    """Count a wrong code typed; whether more tries are still allowed this hour."""
    return _count("survey-code-failures", settings.SURVEY_CODE_FAILURES_PER_HOUR)


def code_tries_blocked() -> bool:
    window = f"survey-code-failures:{int(time.time() // HOUR)}"
    return int(cache.get(window, 0)) >= settings.SURVEY_CODE_FAILURES_PER_HOUR
