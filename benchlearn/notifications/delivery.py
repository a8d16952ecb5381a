"""Delivering a notification to its recipients: run by a task, never by a request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from benchlearn.accounts.models import User
from benchlearn.notifications.kinds import Kind, kind_get
from benchlearn.notifications.models import Notification, NotificationPreference


def _mail_text(kind: Kind, params: dict[str, Any], link: str, language: str) -> tuple[str, str]:
    """The subject and text of the e-mail in ``language`` (the recipient's), with
    absolute links (``BENCHLEARN_SITE_URL``)."""
    with translation.override(language):
        subject, body = kind.subject(params), kind.body(params)
        footer = _("Choose which notifications you receive: %(link)s") % {
            "link": settings.SITE_URL + reverse("notification-preferences")
        }
        parts = [body, settings.SITE_URL + link if link else "", footer]
        return subject, "\n\n".join(part for part in parts if part)


def notification_deliver(
    *, kind: str, recipient_ids: Sequence[int], params: dict[str, Any], link: str, key: str
) -> int:
    """Store the notification for every active recipient who has not switched the kind
    off, and e-mail those who want it, each in their own language; how many people were
    told. With a ``key``, who was told already (and, for a repeating kind, has not read
    it yet) is skipped."""
    chosen = kind_get(kind)
    users = list(User.objects.filter(pk__in=recipient_ids, is_active=True).order_by("pk"))
    wanted = {
        p.user_id: (p.email, p.in_app)
        for p in NotificationPreference.objects.filter(user__in=users, kind=kind)
    }
    told: set[int] = set()
    if key:
        earlier = Notification.objects.filter(kind=kind, key=key, recipient__in=users)
        if chosen.repeat:
            earlier = earlier.filter(read_at__isnull=True)
        told = set(earlier.values_list("recipient_id", flat=True))
    rows, mails = [], []
    texts: dict[str, tuple[str, str]] = {}
    for user in users:
        email, in_app = wanted.get(user.pk, (True, True))
        if user.pk in told or not (email or in_app):
            continue
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                params=params,
                link=link,
                key=key,
                shown=in_app,
                emailed=email,
            )
        )
        if email:
            language = user.writes_in
            if language not in texts:
                texts[language] = _mail_text(chosen, params, link, language)
            subject, text = texts[language]
            mails.append((subject, text, None, [user.email]))
    with transaction.atomic():
        Notification.objects.bulk_create(rows)
    if mails:
        send_mass_mail(mails, fail_silently=False)
    return len(rows)
