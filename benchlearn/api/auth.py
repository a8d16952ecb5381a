from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from benchlearn.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bl_…`` with a personal token from the account page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


# Session authentication checks the CSRF token on writes, as the HTML forms do.
session_auth = SessionAuth(csrf=True)
token_auth = TokenAuth()
