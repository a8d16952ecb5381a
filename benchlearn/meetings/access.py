"""Who may do what with a group's meetings, decided from ``accounts.access``:

- operators and the group's moderator plan and edit the meetings, record attendance,
  write, approve and publish the minutes, upload files (GROUP_MANAGE);
- participants of the member units read the meetings, the minutes once published, the
  decisions and action items once the minutes are published, and always the action
  items they own (GROUP_VIEW);
- nobody else: a meeting of a group one may not see answers as one that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from benchlearn.accounts.access import Perm, group_get_for_user, may
from benchlearn.groups.models import ExchangeGroup
from benchlearn.meetings.models import (
    ActionItem,
    ActionState,
    Attachment,
    AttachmentKind,
    Meeting,
)

if TYPE_CHECKING:
    from benchlearn.accounts.access import AnyUser


def may_plan(user: AnyUser, group: ExchangeGroup) -> bool:
    """Plan and edit the group's meetings, attendance, minutes and files."""
    return may(user, Perm.GROUP_MANAGE, group)


def may_read(user: AnyUser, group: ExchangeGroup) -> bool:
    return may(user, Perm.GROUP_VIEW, group)


def require_plan(user: AnyUser, group: ExchangeGroup) -> None:
    if not may_plan(user, group):
        raise PermissionDenied(
            _("Only the group's moderator and the office may change the group's meetings.")
        )


def meeting_group_get_for_user(
    user: AnyUser, group_id: int, *, plan: bool = False
) -> ExchangeGroup:
    """The group whose meetings are asked for: 404 when not seen, 403 when seen but
    ``plan`` is asked and not allowed."""
    group = group_get_for_user(user, group_id)
    if plan:
        require_plan(user, group)
    return group


def meeting_get_for_user(
    user: AnyUser, group_id: int, number: int, *, plan: bool = False
) -> Meeting:
    group = meeting_group_get_for_user(user, group_id)
    meeting = (
        Meeting.objects.filter(group=group, number=number)
        .select_related("group", "group__moderator", "host")
        .first()
    )
    if meeting is None:
        raise Http404(_("The group has no meeting number %(number)s.") % {"number": number})
    if plan:
        require_plan(user, group)
    return meeting


def may_read_minutes(user: AnyUser, meeting: Meeting) -> bool:
    return meeting.minutes_published or may_plan(user, meeting.group)


def may_set_status(user: AnyUser, item: ActionItem, status: str) -> bool:
    """The moderator and the office set any status; an item's owner marks it done (or
    open again), never dropped: dropping is the group's decision."""
    group = item.meeting.group
    if may_plan(user, group):
        return True
    owner = item.owner_id is not None and item.owner_id == getattr(user, "pk", None)
    return owner and status in (ActionState.OPEN, ActionState.DONE) and may_read(user, group)


def may_download(user: AnyUser, attachment: Attachment) -> bool:
    """Minutes' annexes are the minutes': readers see them once published."""
    meeting = attachment.meeting
    if not may_read(user, meeting.group):
        return False
    if attachment.kind == AttachmentKind.MINUTES:
        return may_read_minutes(user, meeting)
    return True
