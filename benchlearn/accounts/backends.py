from typing import Any

from django.contrib.auth.backends import ModelBackend


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
