import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Polish first: the language is the one chosen with the switch, else Polish.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a clerk
    whose browser happens to be set to English would get an English site without asking
    for it. Here only the person's own choice (the language cookie) changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.known else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; ``Cache-Control: private, no-store`` on every
    answer to someone logged in (a page, a download or the API with a token).

    Everything behind the login is confidential: a shared computer's browser cache or a
    proxy must not keep a unit's figures. Public static files are answered by WhiteNoise
    before this runs; the login and welcome pages go to people not logged in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        # Read after the view: the API's token authentication sets request.user there.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response


PUBLIC_API_PREFIX = "/api/v1/public/"


class PublicApiMiddleware:
    """The open data endpoints (``/api/v1/public/``) for any site's scripts: CORS for
    GET (preflights answered here), and on a 200 a strong ETag of the body, a 304 when
    the client already holds it, and ``Cache-Control: public`` for a few minutes. Runs
    inside SecurityHeadersMiddleware, which still makes answers to a logged-in session
    private."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PUBLIC_API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, Accept, Accept-Language"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
            if request.method in ("GET", "HEAD") and response.status_code == 200:
                response = self._conditional(request, response)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Retry-After, Content-Language"
        return response

    def _conditional(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.streaming:
            return response
        language = response.headers.get("Content-Language", "")
        digest = hashlib.sha256(response.content + language.encode()).hexdigest()[:32]
        etag = f'"{digest}"'
        cache_control = f"public, max-age={settings.PUBLIC_API_MAX_AGE}"
        wanted = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
        if etag in wanted or "*" in wanted:
            response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Cache-Control"] = cache_control
        patch_vary_headers(response, ("Cookie",))
        return response
