"""Writes to accounts: users, their roles, API tokens, and the record of every change
of access (AccessChange), which the services of units and groups write here too."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from benchlearn.accounts.models import (
    AccessChange,
    AccessChangeKind,
    ApiToken,
    User,
    password_stamp,
    token_digest,
)

TOKEN_BYTES = 32
YES, NO = "yes", "no"


def access_change_record(
    *,
    kind: AccessChangeKind,
    by: User | None,
    user: User | None = None,
    target: str = "",
    old: str = "",
    new: str = "",
    via: str = "",
    at: datetime | None = None,
) -> AccessChange:
    """Record one change of access; the services that change access call this in their
    transaction, so the change and its record are stored together or not at all."""
    return AccessChange.objects.create(
        at=at or timezone.now(),
        kind=kind,
        user=user,
        user_email=user.email if user else "",
        target=target[:250],
        old_value=old[:250],
        new_value=new[:250],
        by=by,
        by_email=by.email if by else "",
        via=via,
    )


def _flag(value: bool) -> str:
    return YES if value else NO


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None,
    is_operator: bool = False,
    by: User | None = None,
    via: str = "",
) -> User:
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, is_operator=is_operator
    )
    if is_operator:
        access_change_record(
            kind=AccessChangeKind.OPERATOR, by=by, user=user, old=NO, new=YES, via=via
        )
    return user


ROLE_FLAGS = {
    "is_operator": AccessChangeKind.OPERATOR,
    "is_superuser": AccessChangeKind.SUPERUSER,
    "is_active": AccessChangeKind.ACTIVE,
}


@transaction.atomic
def user_roles_set(
    *,
    user: User,
    by: User | None,
    is_operator: bool | None = None,
    is_superuser: bool | None = None,
    is_active: bool | None = None,
    via: str = "",
) -> User:
    """Change a person's operator, superuser and active flags (None: leave as it is);
    each change is recorded with its old and new value."""
    current = User.objects.select_for_update().get(pk=user.pk)
    wanted = {"is_operator": is_operator, "is_superuser": is_superuser, "is_active": is_active}
    changed = []
    for field, value in wanted.items():
        old = getattr(current, field)
        if value is None or value == old:
            setattr(user, field, old)
            continue
        setattr(user, field, value)
        changed.append(field)
        access_change_record(
            kind=ROLE_FLAGS[field], by=by, user=user, old=_flag(old), new=_flag(value), via=via
        )
    if changed:
        user.save(update_fields=changed)
    return user


def _token_label(token: ApiToken) -> str:
    return f"{token.name} ({token.prefix}…)"


@transaction.atomic
def api_token_create(
    *, user: User, name: str, read_only: bool = True, days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its key, which is never stored and shown once.

    It expires after ``days`` (at most, and by default, settings.API_TOKEN_DAYS) and
    with any change of its owner's password."""
    lifetime = settings.API_TOKEN_DAYS if days is None else min(days, settings.API_TOKEN_DAYS)
    key = "bl_" + secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[3:11],
        digest=token_digest(key),
        created=now,
        expires=now + timedelta(days=lifetime),
        read_only=read_only,
        password_stamp=password_stamp(user),
    )
    access_change_record(
        kind=AccessChangeKind.API_TOKEN,
        by=user,
        user=user,
        target=_token_label(token),
        new=f"{token.scope_label}, {token.expires:%Y-%m-%d}",
    )
    return token, key


REVOKED = "revoked"
EXPIRED = "expired"
REVOKED_PASSWORD = "revoked: password changed"


@transaction.atomic
def api_token_revoke(
    *,
    token: ApiToken,
    by: User | None,
    reason: str = REVOKED,
    via: str = "",
    at: datetime | None = None,
) -> None:
    access_change_record(
        kind=AccessChangeKind.API_TOKEN,
        by=by,
        user=token.user,
        target=_token_label(token),
        old=token.scope_label,
        new=reason,
        via=via,
        at=at,
    )
    token.delete()


@transaction.atomic
def api_tokens_expire(*, now: datetime | None = None) -> int:
    """Remove the tokens past their expiry, each recorded as expired when it did."""
    now = now or timezone.now()
    expired = list(ApiToken.objects.select_related("user").filter(expires__lte=now))
    for token in expired:
        api_token_revoke(token=token, by=None, reason=EXPIRED, at=token.expires)
    return len(expired)


@transaction.atomic
def user_password_changed(*, user: User, by: User | None, via: str = "") -> int:
    """What a new password ends: every API token of the person (a token made with the
    old password would outlive it). Returns how many were revoked."""
    tokens = list(ApiToken.objects.select_related("user").filter(user=user))
    for token in tokens:
        api_token_revoke(token=token, by=by, reason=REVOKED_PASSWORD, via=via)
    return len(tokens)


class TokenRefused(Exception):
    """A token that exists but may no longer be used (expired, password changed)."""


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The token of ``key`` for an active user, or None; records when it was last used.

    A token past its expiry, or older than its owner's password, is removed (and the
    removal recorded) the first time it is presented."""
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires <= now:
        api_token_revoke(token=token, by=None, reason=EXPIRED, at=token.expires)
        return None
    if not secrets.compare_digest(token.password_stamp, password_stamp(token.user)):
        api_token_revoke(token=token, by=None, reason=REVOKED_PASSWORD)
        return None
    # Record use at most once a minute, so a busy client does not write on every call.
    if token.last_used is None or (now - token.last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token


def user_language_set(*, user: User, language: str) -> User:
    """The language ``user`` is written to in (e-mails): one of ``settings.LANGUAGES``;
    ``ValueError`` otherwise, and nothing is stored."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
