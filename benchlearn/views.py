"""Site-wide views: health check and error pages (HTML, or JSON under /api/)."""

import sys

from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure of the database is reported, not raised
        return JsonResponse(
            {"status": "error", "database": "unavailable", "detail": str(exc)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "errors/error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        400,
        _("Bad request"),
        _("The request could not be understood. Nothing was changed."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception)
        if exception and str(exception)
        else _("You do not have access to this page.")
    )
    return _error(request, 403, _("Access denied"), message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = exception.args[0] if exception and exception.args else None
    message = detail if isinstance(detail, str) and not detail.startswith("No ") else None
    return _error(
        request, 404, _("Page not found"), message or _("There is no page at this address.")
    )


def _database_busy() -> bool:
    """Whether the error being handled is SQLite's write lock, still held by someone
    else when the busy timeout ran out (see DATABASES in the settings)."""
    error = sys.exc_info()[1]
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def server_error(request: HttpRequest) -> HttpResponse:
    if _database_busy():
        # The transaction was rolled back: the person only has to send it again.
        response = _error(
            request,
            503,
            _("Busy"),
            _(
                "The database is busy with other changes. Nothing was saved: go back and "
                "send the form again in a moment."
            ),
        )
        response["Retry-After"] = "5"
        return response
    if _wants_json(request):
        return JsonResponse({"detail": "Internal server error"}, status=500)
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("The form has expired"),
        _(
            "The form could not be accepted because its security token is missing or out "
            "of date (for example after a long pause or with cookies blocked). Nothing was "
            "saved. Go back, reload the page and send the form again."
        ),
    )
