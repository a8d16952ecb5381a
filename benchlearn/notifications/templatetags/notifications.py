from __future__ import annotations

from typing import TYPE_CHECKING

from django import template

from benchlearn.accounts.access import Perm, may
from benchlearn.units.models import Unit

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser

register = template.Library()


@register.filter
def may_request_introduction(user: AnyUser, unit: Unit) -> bool:
    """Whether the page offers ``user`` to ask for an introduction for ``unit``."""
    return may(user, Perm.INTRODUCTION_REQUEST, unit)
