"""Writes to accounts: users and API tokens."""

import secrets

from django.db import transaction
from django.utils import timezone

from benchlearn.accounts.models import ApiToken, User, token_digest

TOKEN_BYTES = 32


@transaction.atomic
def user_create(
    *, email: str, full_name: str, password: str | None, is_operator: bool = False
) -> User:
    return User.objects.create_user(
        email=email, password=password, full_name=full_name, is_operator=is_operator
    )


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; returns it with its key, which is never stored and shown once."""
    key = "bl_" + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[3:11], digest=token_digest(key)
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


def api_token_authenticate(*, key: str) -> User | None:
    """The active user owning ``key``, or None; records when the token was last used."""
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute, so a busy client does not write on every call.
    if token.last_used is None or (now - token.last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
