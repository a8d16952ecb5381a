from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from benchlearn.accounts.access import roles_of
from benchlearn.notifications.selectors import unread_count


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "organisation_name": settings.BENCHLEARN_ORGANISATION,
        # Lazy: pages that do not show the navigation make no queries for it.
        "roles": SimpleLazyObject(lambda: roles_of(request.user)),
        "unread_notifications": SimpleLazyObject(lambda: unread_count(request.user)),
    }
