"""Limits on guessing: login failures per network address across accounts (password
spraying; django-axes already counts per e-mail and address), and password-reset
e-mails per address and per network address."""

from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from benchlearn.accounts.models import PasswordResetRequest

RESET_WINDOW = timedelta(hours=1)


def client_ip(request: Any) -> str | None:
    """The address a request came from. Behind our own reverse proxy REMOTE_ADDR is the
    proxy's, so the address it appended last to X-Forwarded-For is taken (earlier ones
    are whatever the client sent, and could be made up)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return str(last)
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def login_blocked_for_address(request: HttpRequest) -> bool:
    """Whether the request's address has failed to log in too often, whatever e-mails
    it tried, within the lockout time."""
    address = get_client_ip_address(request)
    if not address:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def password_reset_allowed(*, email: str, request: HttpRequest) -> bool:
    """Count a request for a reset e-mail and say whether to send it: at most a few an
    hour to one address and from one network address, whether or not the address has
    an account (so the answer reveals nothing)."""
    email = email.strip().lower()
    address = client_ip(request)
    now = timezone.now()
    PasswordResetRequest.objects.filter(at__lt=now - RESET_WINDOW).delete()
    recent = PasswordResetRequest.objects.filter(at__gte=now - RESET_WINDOW)
    to_email = recent.filter(email=email).count()
    from_address = recent.filter(Q(ip_address=address)).count() if address else 0
    PasswordResetRequest.objects.create(email=email, ip_address=address, at=now)
    return (
        to_email < settings.PASSWORD_RESET_EMAIL_LIMIT
        and from_address < settings.PASSWORD_RESET_ADDRESS_LIMIT
    )
