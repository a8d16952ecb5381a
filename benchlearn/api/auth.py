from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from benchlearn.accounts.services import api_token_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bl_…`` with a personal token from the account page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(key=token)
        if found is None:
            return None
        # Checked here, once for every endpoint, so no write endpoint can forget it.
        if found.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied(
                _(
                    "This token is read-only: it can read but not change anything. "
                    "Use a token with write access."
                )
            )
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


# Session authentication checks the CSRF token on writes, as the HTML forms do.
session_auth = SessionAuth(csrf=True)
token_auth = TokenAuth()
