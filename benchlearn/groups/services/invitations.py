"""Invitations into seats: the office or the group's moderator invites a person by
e-mail; the link is used once, before it expires, to set a password (a new account) or
accept (an existing one), and fills the seat. Only the key's digest is stored."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from benchlearn.accounts.access import may_manage_group
from benchlearn.accounts.models import User, token_digest
from benchlearn.accounts.services import user_create
from benchlearn.background.mail import mail_send
from benchlearn.background.queue import enqueue
from benchlearn.groups.models import ExchangeGroup, SeatInvitation
from benchlearn.groups.services.common import GroupError
from benchlearn.groups.services.seats import seat_check, seat_fill
from benchlearn.notifications import kinds
from benchlearn.notifications.services import notify
from benchlearn.units.models import Level, Unit

KEY_BYTES = 32
INVITATION = "invitation"


class InvitationUnusable(GroupError):
    """An invitation link that cannot be used: unknown (``gone`` False), or used,
    withdrawn or expired (``gone`` True)."""

    def __init__(self, message: str, *, gone: bool) -> None:
        super().__init__(message)
        self.gone = gone


def invitation_link(key: str) -> str:
    return f"{settings.SITE_URL}/accounts/invitation/{key}/"


@transaction.atomic
def invitation_create(
    *,
    group: ExchangeGroup,
    unit: Unit,
    level: str,
    email: str,
    by: User,
    full_name: str = "",
) -> tuple[SeatInvitation, str]:
    """Invite ``email`` into the unit's seat at ``level`` and queue the e-mail with the
    link; the invitation and its key (which only the e-mail carries). An earlier
    invitation of the same address into the same seat is withdrawn."""
    if not may_manage_group(by, group):
        raise GroupError(
            _("Only the association's office and the group's moderator may invite people.")
        )
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise GroupError(
            _("“%(email)s” is not a valid e-mail address.") % {"email": email[:80]}, "email"
        ) from None
    seat_check(group, unit, level)
    now = timezone.now()
    SeatInvitation.objects.filter(
        group=group, unit=unit, level=level, email=email, used_at__isnull=True
    ).update(cancelled_at=now)
    key = secrets.token_urlsafe(KEY_BYTES)
    invitation = SeatInvitation.objects.create(
        group=group,
        unit=unit,
        level=level,
        email=email,
        full_name=full_name.strip(),
        digest=token_digest(key),
        created_at=now,
        created_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
    )
    enqueue(mail_send, [_message(invitation, key)])
    return invitation, key


def _message(invitation: SeatInvitation, key: str) -> tuple[str, str, None, list[str]]:
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "inviter": invitation.created_by.get_full_name() if invitation.created_by else "",
            "group": invitation.group.name,
            "unit": invitation.unit.name,
            "level": Level(invitation.level).label,
            "link": invitation_link(key),
            "expires": formats.date_format(
                timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"
            ),
        }
        subject = _("Invitation to the exchange group %(group)s") % params
        body = (
            _(
                "%(inviter)s invites you to the exchange group %(group)s, to the seat of "
                "%(unit)s at the %(level)s level.\n\n"
                "Open this link to accept (and, if you have no account yet, to set your "
                "password):\n%(link)s\n\n"
                "The link can be used once, until %(expires)s. If you did not expect this "
                "invitation, ignore this message."
            )
            % params
        )
    return subject, body, None, [invitation.email]


def invitation_find(key: str) -> SeatInvitation:
    """The pending invitation with this key; GroupError saying why it cannot be used."""
    invitation = (
        SeatInvitation.objects.select_related("group", "unit", "created_by")
        .filter(digest=token_digest(key))
        .first()
    )
    if invitation is None:
        raise InvitationUnusable(
            _(
                "This invitation link is not valid. Check that you copied all of it from "
                "the e-mail."
            ),
            gone=False,
        )
    if invitation.used_at is not None:
        raise InvitationUnusable(
            _("This invitation has already been used. Log in with the account it created."),
            gone=True,
        )
    if invitation.cancelled_at is not None:
        raise InvitationUnusable(
            _("This invitation was withdrawn. Ask the group's moderator for a new one."),
            gone=True,
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationUnusable(
            _("This invitation expired on %(date)s. Ask the group's moderator for a new one.")
            % {"date": formats.date_format(timezone.localtime(invitation.expires_at))},
            gone=True,
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, key: str, user: User | None, full_name: str = "", password: str | None = None
) -> User:
    """Use the invitation: into ``user``'s account (who must be the address invited), or
    a new account with ``password``; fills the seat. Twice, or too late: GroupError."""
    # Two clicks at once: the second waits for the first and finds the invitation used.
    SeatInvitation.objects.select_for_update().filter(digest=token_digest(key)).first()
    invitation = invitation_find(key)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise GroupError(
                _("An account with the address %(email)s exists: log in, then open the link.")
                % {"email": invitation.email}
            )
        if not password:
            raise GroupError(_("Choose a password."), "password")
        user = user_create(
            email=invitation.email,
            full_name=full_name.strip() or invitation.full_name,
            password=password,
            by=invitation.created_by,
            via=INVITATION,
        )
    elif user.email.lower() != invitation.email.lower():
        raise GroupError(
            _(
                "This invitation is for %(email)s, and you are logged in as %(you)s. "
                "Log out and open the link again."
            )
            % {"email": invitation.email, "you": user.email}
        )
    seat_fill(
        group=invitation.group,
        unit=invitation.unit,
        level=invitation.level,
        user=user,
        by=invitation.created_by,
        via=INVITATION,
    )
    invitation.used_at, invitation.used_by = timezone.now(), user
    invitation.save(update_fields=["used_at", "used_by"])
    _accepted_notify(invitation, user)
    return user


def _accepted_notify(invitation: SeatInvitation, user: User) -> None:
    """Tell the person who sent the invitation and the group's moderator (never the
    person who accepted it)."""
    group = invitation.group
    told = {invitation.created_by_id, group.moderator_id} - {None, user.pk}
    notify(
        kind=kinds.SEAT_INVITATION_ACCEPTED.code,
        recipients=[pk for pk in told if pk is not None],
        params={
            "person": user.get_full_name() or user.email,
            "email": user.email,
            "group": group.name,
            "unit": invitation.unit.name,
            "level": invitation.level,
        },
        link=reverse("group-seats", args=[group.pk]),
        key=f"invitation:{invitation.pk}",
    )


@transaction.atomic
def invitation_withdraw(*, invitation: SeatInvitation, by: User) -> SeatInvitation:
    if not may_manage_group(by, invitation.group):
        raise GroupError(
            _("Only the association's office and the group's moderator may withdraw invitations.")
        )
    if invitation.used_at is not None:
        raise GroupError(_("This invitation has already been used."))
    invitation.cancelled_at = invitation.cancelled_at or timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    return invitation
