"""A person's notifications: the in-app list, marking read, and preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.accounts.services import user_language_set
from benchlearn.notifications.selectors import (
    notification_get_for_user,
    notifications_of,
    preferences_of,
    unread_count,
)
from benchlearn.notifications.services import (
    notification_read,
    notifications_read_all,
    preferences_set,
)


@login_required
@require_http_methods(["GET"])
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "notifications": notifications_of(request.user),
        "unread": unread_count(request.user),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_mark_read(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read; with ``open``, go where it points."""
    notification = notification_get_for_user(request.user, notification_id)
    notification_read(notification=notification, user=request.user)
    link = notification.link
    if "open" in request.POST and link and url_has_allowed_host_and_scheme(link, None):
        return redirect(link)
    return redirect("notification-list")


@login_required
@require_POST
def notifications_mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications_read_all(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notification-list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One row per kind, two checkboxes: by e-mail and in the list; and the language
    e-mails are written in (the pages follow it too)."""
    choices = preferences_of(request.user)
    languages = settings.LANGUAGES
    if request.method == "POST":
        language = request.POST.get("language") or request.user.writes_in
        if language not in dict(settings.LANGUAGES):
            messages.error(request, _("Choose Polish or English as your language."))
            context = {"choices": choices, "languages": languages}
            return render(request, "notifications/preferences.html", context, status=400)
        with transaction.atomic():
            preferences_set(
                user=request.user,
                chosen={
                    choice.kind.code: (
                        f"email-{choice.kind.code}" in request.POST,
                        f"in_app-{choice.kind.code}" in request.POST,
                    )
                    for choice in choices
                },
            )
            if "language" in request.POST:
                user_language_set(user=request.user, language=language)
        with translation.override(language):
            messages.success(request, _("Your notification preferences are saved."))
        response = redirect("notification-preferences")
        if "language" not in request.POST:
            return response
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite="Lax",  # as LANGUAGE_COOKIE_SAMESITE
        )
        return response
    context = {"choices": choices, "languages": languages}
    return render(request, "notifications/preferences.html", context)
