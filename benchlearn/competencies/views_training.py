"""The office's competency pages of a programme (its aggregates, exports, trainings and
attendance) and a group's aggregates for its moderator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from benchlearn.accounts.access import AuthenticatedHttpRequest, active_account
from benchlearn.accounts.models import User
from benchlearn.competencies.aggregates import (
    competency_name,
    group_aggregates,
    group_for_aggregates,
    programme_aggregates,
    programme_for_aggregates,
)
from benchlearn.competencies.exports import (
    PDF_TYPE,
    XLSX_TYPE,
    aggregates_pdf,
    aggregates_xlsx,
    withheld_text,
)
from benchlearn.competencies.forms_training import TrainingForm
from benchlearn.competencies.models import MIN_PEOPLE, Competency, Training
from benchlearn.competencies.scheme import current_scheme
from benchlearn.competencies.selectors import office_readable
from benchlearn.competencies.trainings import (
    TrainingError,
    attendance_record,
    eligible_people,
    former_invitees,
    invitees_proposed,
    training_create,
    training_update,
    trainings_of,
)
from benchlearn.groups.models import Programme
from benchlearn.units.models import Level


@login_required
def programme_page(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_for_aggregates(request.user, programme_id)
    return render(
        request,
        "competencies/training/programme.html",
        {
            "programme": programme,
            "found": programme_aggregates(programme),
            "withheld": withheld_text(MIN_PEOPLE),
            "trainings": trainings_of(programme)[:5],
            "readable": office_readable(programme),
        },
    )


@login_required
def group_page(request: AuthenticatedHttpRequest, group_id: int) -> HttpResponse:
    group = group_for_aggregates(request.user, group_id)
    return render(
        request,
        "competencies/training/group.html",
        {"group": group, "found": group_aggregates(group), "withheld": withheld_text(MIN_PEOPLE)},
    )


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def programme_xlsx(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_for_aggregates(request.user, programme_id)
    data = aggregates_xlsx(programme, programme_aggregates(programme))
    # The programme's number, not its name: a plain ASCII name every system keeps.
    name = f"competencies-{programme.pk}-{timezone.localdate().isoformat()}.xlsx"
    return _download(data, XLSX_TYPE, name)


@login_required
def programme_pdf(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_for_aggregates(request.user, programme_id)
    data = aggregates_pdf(programme, programme_aggregates(programme))
    name = f"competencies-{programme.pk}-{timezone.localdate().isoformat()}.pdf"
    return _download(data, PDF_TYPE, name)


@login_required
def training_list(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_for_aggregates(request.user, programme_id)
    names = _names()
    return render(
        request,
        "competencies/training/list.html",
        {
            "programme": programme,
            "trainings": [
                (training, [names.get(code, code) for code in training.competency_codes])
                for training in trainings_of(programme)
            ],
        },
    )


def _names() -> dict[str, str]:
    """Every code's name: the scheme in force's, else the newest other version's."""
    found: dict[str, str] = {}
    for competency in Competency.objects.order_by("scheme__created_at", "scheme_id"):
        found[competency.code] = competency_name(competency)
    scheme = current_scheme()
    if scheme is not None:
        found.update({c.code: competency_name(c) for c in scheme.competencies.all()})
    return found


def _training_for_office(user: User, training_id: int) -> Training:
    """A training of a programme: the office only (403 before any lookup)."""
    account = active_account(user)
    if account is None or not account.is_operator:
        raise PermissionDenied(_("Trainings are planned by the office."))
    training = Training.objects.select_related("programme").filter(pk=training_id).first()
    if training is None:
        raise Http404(_("There is no training number %(id)s.") % {"id": training_id})
    return training


@login_required
@require_http_methods(["GET", "POST"])
def training_create_view(request: AuthenticatedHttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_for_aggregates(request.user, programme_id)
    return _training_form(request, programme, None)


@login_required
@require_http_methods(["GET", "POST"])
def training_edit_view(request: AuthenticatedHttpRequest, training_id: int) -> HttpResponse:
    training = _training_for_office(request.user, training_id)
    return _training_form(request, training.programme, training)


def _initial(training: Training | None) -> dict[str, object]:
    if training is None:
        return {}
    return {
        "title": training.title,
        "date": training.date,
        "place": training.place,
        "description": training.description,
        "competencies": training.competency_codes,
        "seats": training.seats,
        "invitees": list(training.invitees.values_list("person_id", flat=True)),
        "revision": training.revision,
    }


def _training_form(
    request: AuthenticatedHttpRequest, programme: Programme, training: Training | None
) -> HttpResponse:
    eligible = eligible_people(programme)
    former = former_invitees(training, eligible)
    scheme = current_scheme()
    names = _names()
    known = [
        (code, names.get(code, code)) for code in (training.competency_codes if training else [])
    ]
    data = request.POST if request.method == "POST" else None
    form = TrainingForm(
        data,
        initial=_initial(training),
        scheme=scheme,
        eligible=eligible,
        known=known,
        former=former,
    )
    chosen: set[int] = set(_initial(training).get("invitees", []))  # type: ignore[call-overload]
    if data is not None:
        chosen = {int(pk) for pk in data.getlist("invitees") if pk.isdigit()}
        if "propose" in data:
            proposal = invitees_proposed(
                programme, seats=data.getlist("seats"), codes=data.getlist("competencies")
            )
            chosen |= set(proposal)
            messages.info(
                request,
                _("%(count)s people proposed from the seats: check the list, then save.")
                % {"count": len(proposal)},
            )
            form = TrainingForm(
                initial={**data.dict(), **_lists(data), "invitees": sorted(chosen)},
                scheme=scheme,
                eligible=eligible,
                known=known,
                former=former,
            )
        elif form.is_valid():
            saved = _save(request, form, programme, training)
            if saved is not None:
                return redirect("competency-trainings", programme.pk)
    return render(
        request,
        "competencies/training/form.html",
        {
            "programme": programme,
            "training": training,
            "form": form,
            "eligible": eligible,
            "former": former,
            "chosen": chosen,
            "seat_labels": dict(Level.choices),
        },
    )


def _lists(data: object) -> dict[str, list[str]]:
    getlist = data.getlist  # type: ignore[attr-defined]
    return {"competencies": getlist("competencies"), "seats": getlist("seats")}


def _save(
    request: AuthenticatedHttpRequest,
    form: TrainingForm,
    programme: Programme,
    training: Training | None,
) -> Training | None:
    fields = form.cleaned_data
    values = {
        "by": request.user,
        "title": fields["title"],
        "date": fields["date"],
        "place": fields["place"],
        "description": fields["description"],
        "competency_codes": fields["competencies"],
        "seats": fields["seats"],
        "invitee_ids": fields["invitees"],
    }
    try:
        if training is None:
            saved = training_create(programme=programme, **values)
        else:
            saved = training_update(training=training, revision=fields["revision"] or 0, **values)
    except TrainingError as error:
        for problem in error.problems:
            form.add_error(None, problem)
        return None
    messages.success(request, _("The training “%(title)s” was saved.") % {"title": saved.title})
    return saved


@login_required
@require_http_methods(["GET", "POST"])
def training_attendance(request: AuthenticatedHttpRequest, training_id: int) -> HttpResponse:
    training = _training_for_office(request.user, training_id)
    problems: list[str] = []
    if request.method == "POST":
        present = {int(pk) for pk in request.POST.getlist("attended") if pk.isdigit()}
        invited = set(training.invitees.values_list("person_id", flat=True))
        marks: dict[int, bool | None] = {pk: pk in present for pk in invited}
        marks.update({pk: True for pk in present - invited})
        try:
            changed = attendance_record(training=training, by=request.user, marks=marks)
        except TrainingError as error:
            problems = error.problems
        else:
            messages.success(
                request, _("Attendance saved (%(count)s changed).") % {"count": changed}
            )
            return redirect("competency-training-attendance", training.pk)
    return render(
        request,
        "competencies/training/attendance.html",
        {
            "training": training,
            "invitees": training.invitees.select_related("person", "recorded_by"),
            "open": timezone.localdate() >= training.date,
            "problems": problems,
        },
    )
