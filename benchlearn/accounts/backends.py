from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from benchlearn.accounts.throttling import login_blocked_for_address


class EmailBackend(ModelBackend):
    """Log in with e-mail and password; operators hold every admin permission."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        if user_obj.is_active and getattr(user_obj, "is_operator", False):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        if user_obj.is_active and getattr(user_obj, "is_operator", False):
            return True
        return super().has_module_perms(user_obj, app_label)


def login_attempt_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """The name login throttling counts attempts under: the e-mail, in lower case."""
    # Django's login form sends ``username``; axes' backend names it after the user
    # model's USERNAME_FIELD (``email``). Both mean the same e-mail.
    source = credentials if credentials is not None else request.POST
    value = (source or {}).get("username") or (source or {}).get("email") or ""
    return str(value).strip().lower()


class AddressThrottleBackend:
    """Refuses every login from a network address with too many recent failures, for
    whatever e-mail (django-axes, next, counts per e-mail and address).

    Not a BaseBackend: with no get_user, Django never records it as the backend a
    session was logged in with (as with axes' own)."""

    def authenticate(self, request: Any, *args: Any, **credentials: Any) -> None:
        if request is not None and login_blocked_for_address(request):
            # Axes' middleware answers with its lockout page when this is set.
            request.axes_locked_out = True
            raise PermissionDenied
        return None
