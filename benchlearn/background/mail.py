"""E-mail sent by a task: a slow or absent mail server never holds up a request."""

from __future__ import annotations

from django.core.mail import send_mass_mail
from django_tasks import task

# (subject, body, sender or None for the default, recipients)
Message = tuple[str, str, str | None, list[str]]


@task()
def mail_send(messages: list[Message]) -> int:
    """Send the messages over one connection; how many were sent. Not sent again when
    its worker dies (a message sent twice is worse than a reminder missed)."""
    return send_mass_mail(
        [(subject, body, sender, list(to)) for subject, body, sender, to in messages],
        fail_silently=False,
    )
