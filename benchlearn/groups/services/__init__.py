"""Writes to programmes, exchange groups, their seats and the invitations into them."""

from benchlearn.groups.services.common import GroupError, StaleEdit, edit_token
from benchlearn.groups.services.groups import (
    MEMBER,
    Keep,
    group_create,
    group_edit,
    group_units_set,
    group_update,
)
from benchlearn.groups.services.invitations import (
    InvitationUnusable,
    invitation_accept,
    invitation_create,
    invitation_find,
    invitation_link,
    invitation_withdraw,
)
from benchlearn.groups.services.programmes import (
    ProgrammeError,
    programme_create,
    programme_update,
)
from benchlearn.groups.services.seats import (
    seat_assign_participant,
    seat_check,
    seat_fill,
    seat_label,
    seat_vacate,
)

__all__ = [
    "MEMBER",
    "GroupError",
    "InvitationUnusable",
    "Keep",
    "ProgrammeError",
    "StaleEdit",
    "edit_token",
    "group_create",
    "group_edit",
    "group_units_set",
    "group_update",
    "invitation_accept",
    "invitation_create",
    "invitation_find",
    "invitation_link",
    "invitation_withdraw",
    "programme_create",
    "programme_update",
    "seat_assign_participant",
    "seat_check",
    "seat_fill",
    "seat_label",
    "seat_vacate",
]
