from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import (
    LoginView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.accounts.forms import ApiTokenForm, EmailLoginForm, InvitationPasswordForm
from benchlearn.accounts.models import User
from benchlearn.accounts.selectors import api_tokens_of, start_page_for
from benchlearn.accounts.services import (
    api_token_create,
    api_token_revoke,
    api_tokens_expire,
    user_password_changed,
)
from benchlearn.accounts.throttling import password_reset_allowed
from benchlearn.collection.pages import start_collection_for
from benchlearn.groups.services import (
    GroupError,
    InvitationUnusable,
    invitation_accept,
    invitation_find,
)
from benchlearn.results.pages import Dashboard, dashboard_for
from benchlearn.units.models import Unit

# The start page names a unit's strongest and weakest positions, this many each.
START_POSITIONS = 3


def start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "accounts/welcome.html")
    page = start_page_for(request.user)
    context = {
        "page": page,
        "collection": start_collection_for(request.user),
        "positions": [
            (membership, _latest_positions(request.user, membership.unit))
            for membership in page.memberships
        ],
    }
    return render(request, "accounts/start.html", context)


def _latest_positions(user: User, unit: Unit) -> dict[str, object] | None:
    """The unit's weakest and strongest positions in its first comparison and latest
    year; None before its results are computed."""
    try:
        dashboard: Dashboard = dashboard_for(
            user, unit, choice="", year="", domain="", category="", sort="weakest"
        )
    except Http404:
        return None
    placed = [row for row in dashboard.rows if row.position is not None]
    ranked = [row for row in placed if row.position and row.position.percentile is not None]
    return {
        "context": dashboard.context,
        "weakest": ranked[:START_POSITIONS],
        "strongest": list(reversed(ranked[START_POSITIONS:]))[:START_POSITIONS],
        # Where nothing is ranked (a small group, neutral indicators): the side of the
        # median, for a few indicators.
        "unranked": [] if ranked else placed[: 2 * START_POSITIONS],
    }


class EmailLoginView(LoginView):
    form_class = EmailLoginForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # A session cookie sent by someone who is not logged in means their session
        # ran out (or was ended elsewhere): say so, rather than a bare login form.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and "next" in request.GET:
            messages.info(request, _("Your session has expired. Please log in again."))
        return super().get(request, *args, **kwargs)


class PasswordChange(PasswordChangeView):
    @transaction.atomic
    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user_password_changed(user=form.user, by=form.user)
        return response


class PasswordReset(PasswordResetView):
    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Too many requests get the same answer as any other (it reveals nothing about
        # the address) and no e-mail.
        if not password_reset_allowed(email=form.cleaned_data["email"], request=self.request):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirm(PasswordResetConfirmView):
    @transaction.atomic
    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        response = super().form_valid(form)
        user_password_changed(user=form.user, by=form.user, via="password reset")
        return response


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Expired tokens leave the list (and enter the access log) when it is next shown.
    api_tokens_expire()
    new_key = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            days=form.cleaned_data["days"],
        )
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": api_tokens_of(request.user), "new_key": new_key},
    )


@login_required
@require_POST
def api_token_delete(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(api_tokens_of(request.user), pk=token_id)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api-tokens")


def invitation_open(request: HttpRequest, key: str) -> HttpResponse:
    """An invitation into a seat: a new person sets their name and password, a person
    with an account (logged in as the address invited) accepts; either way the seat is
    theirs. A link used, withdrawn or expired says so (410), an unknown one too (404)."""
    try:
        invitation = invitation_find(key)
    except InvitationUnusable as error:
        status = 410 if error.gone else 404
        problem = {"problem": error.message}
        return render(request, "accounts/invitation.html", problem, status=status)
    user = request.user if isinstance(request.user, User) else None
    exists = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if user is None and not exists:
        form = InvitationPasswordForm(
            request.POST or None,
            email=invitation.email,
            initial={"full_name": invitation.full_name},
        )
    context: dict[str, object] = {
        "invitation": invitation,
        "form": form,
        "exists": exists,
        "problem": None,
    }
    if user is not None and user.email.lower() != invitation.email.lower():
        context["problem"] = _(
            "This invitation is for %(email)s, and you are logged in as %(you)s. "
            "Log out and open the link again."
        ) % {"email": invitation.email, "you": user.email}
        return render(request, "accounts/invitation.html", context, status=403)
    if request.method != "POST" or (user is None and exists):
        return render(request, "accounts/invitation.html", context)
    if form is not None and not form.is_valid():
        return render(request, "accounts/invitation.html", context, status=400)
    try:
        accepted = invitation_accept(
            key=key,
            user=user,
            full_name=form.cleaned_data["full_name"] if form else "",
            password=form.cleaned_data["password1"] if form else None,
        )
    except GroupError as error:
        context["problem"] = error.message
        return render(request, "accounts/invitation.html", context, status=409)
    if user is None:
        login(request, accepted, backend="benchlearn.accounts.backends.EmailBackend")
    messages.success(
        request,
        _("Welcome to %(group)s: the seat is yours.") % {"group": invitation.group.name},
    )
    return redirect("group-seats", invitation.group_id)
