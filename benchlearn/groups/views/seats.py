"""A group's seats: who sits where (everyone who sees the group), inviting people into
them and letting a person leave (the office and the group's moderator)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest, Perm, group_get_for_user
from benchlearn.accounts.models import User
from benchlearn.groups.forms import InvitationForm
from benchlearn.groups.selectors import (
    invitation_get,
    seat_holding_get,
    seat_table_for,
)
from benchlearn.groups.services import (
    GroupError,
    invitation_create,
    invitation_withdraw,
    seat_assign_participant,
    seat_label,
    seat_vacate,
)
from benchlearn.units.models import Unit


@login_required
def group_seats(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(request.user, group_id)
    return render(request, "groups/seats.html", {"table": seat_table_for(request.user, group)})


@login_required
def seat_invite(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """The invitation form (a seat chosen on the seat table comes in the query)."""
    group = group_get_for_user(request.user, group_id, Perm.GROUP_MANAGE)
    initial = {key: request.GET.get(key, "") for key in ("unit", "level")}
    form = InvitationForm(request.POST or None, group=group, initial=initial)
    table = seat_table_for(request.user, group)
    holder = next(
        (
            seat.holding
            for row in table.rows
            for seat in row.seats
            if seat.holding
            and seat.unit.teryt == initial["unit"]
            and seat.level == initial["level"]
        ),
        None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = Unit.objects.filter(teryt=data["unit"]).first()
        try:
            if unit is None:
                raise GroupError(
                    _("There is no unit with TERYT code %(teryt)s.") % {"teryt": data["unit"]},
                    "unit",
                )
            invitation, _key = invitation_create(
                group=group,
                unit=unit,
                level=data["level"],
                email=data["email"],
                full_name=data["full_name"],
                by=request.user,
            )
        except GroupError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is on its way (seat: %(seat)s).")
                % {"email": invitation.email, "seat": seat_label(unit, invitation.level)},
            )
            return redirect("group-seats", group.pk)
    status = 400 if request.method == "POST" else 200
    context = {"group": group, "form": form, "holder": holder, "days": settings.INVITATION_DAYS}
    return render(request, "groups/seat_invite.html", context, status=status)


@login_required
@require_POST
def seat_assign(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    """Put a participant of the unit (already acting for it) in one of its seats."""
    group = group_get_for_user(request.user, group_id, Perm.GROUP_MANAGE)
    unit = Unit.objects.filter(teryt=request.POST.get("unit", "")[:7]).first()
    person = User.objects.filter(pk=_number(request.POST.get("user"))).first()
    level = request.POST.get("level", "")
    try:
        if unit is None or person is None:
            raise GroupError(_("Choose a unit and one of its participants."))
        seat_assign_participant(group=group, unit=unit, level=level, user=person, by=request.user)
    except GroupError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(person)s now holds the seat %(seat)s.")
            % {"person": person, "seat": seat_label(unit, level)},
        )
    return redirect("group-seats", group.pk)


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 0


@login_required
def seat_leave(request: AuthenticatedHttpRequest, group_id: int, holding_id: int) -> HttpResponse:
    """Asks first (GET), then ends the holding (POST)."""
    group = group_get_for_user(request.user, group_id, Perm.GROUP_MANAGE)
    holding = seat_holding_get(group, holding_id)
    if request.method == "POST":
        try:
            seat_vacate(holding=holding, by=request.user, via="page")
        except GroupError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(person)s has left the seat %(seat)s.")
                % {"person": holding.user, "seat": seat_label(holding.unit, holding.level)},
            )
        return redirect("group-seats", group.pk)
    context = {"group": group, "holding": holding, "seat": seat_label(holding.unit, holding.level)}
    return render(request, "groups/seat_leave.html", context)


@login_required
@require_POST
def seat_invitation_withdraw(
    request: AuthenticatedHttpRequest, group_id: int, invitation_id: int
) -> HttpResponse:
    group = group_get_for_user(request.user, group_id, Perm.GROUP_MANAGE)
    invitation = invitation_get(group, invitation_id)
    try:
        invitation_withdraw(invitation=invitation, by=request.user)
    except GroupError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email}
        )
    return redirect("group-seats", group.pk)
