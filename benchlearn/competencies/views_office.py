"""The competency scheme's pages: the scheme in force (and earlier versions) for every
account, so that people read what each level means; the office's drafts of a new
version, changed and published here; and the learning suggestions the office links per
competency. Who may do what is decided by ``competencies.editing`` on every request."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.competencies import editing
from benchlearn.competencies.editing import SchemeError
from benchlearn.competencies.forms_office import (
    CompetencyForm,
    CopyForm,
    ResourceFilter,
    ResourceForm,
    SchemeForm,
)
from benchlearn.competencies.models import (
    LEVELS,
    Competency,
    CompetencyScheme,
    LearningResource,
)
from benchlearn.competencies.scheme import current_scheme
from benchlearn.units.models import Level


def _english() -> bool:
    return (get_language() or "pl").startswith("en")


def _in_language(polish: str, english: str) -> str:
    """The English text on English pages where there is one; the Polish otherwise."""
    return english if _english() and english.strip() else polish


def level_name(scheme: CompetencyScheme, level: int) -> str:
    names = scheme.level_names.get(str(level)) or {}
    return _in_language(names.get("pl", ""), names.get("en", ""))


@dataclass
class LevelShown:
    level: int
    name: str
    behaviours: str


@dataclass
class SeatShown:
    seat: str
    expected: int
    level_name: str


@dataclass
class CompetencyShown:
    competency: Competency
    name: str
    description: str
    levels: list[LevelShown]
    seats: list[SeatShown]


def _shown(scheme: CompetencyScheme) -> list[CompetencyShown]:
    names = {level: level_name(scheme, level) for level in LEVELS}
    shown = []
    for competency in scheme.competencies.prefetch_related("behaviours"):
        texts = {b.level: _in_language(b.text_pl, b.text_en) for b in competency.behaviours.all()}
        shown.append(
            CompetencyShown(
                competency=competency,
                name=_in_language(competency.name_pl, competency.name_en),
                description=_in_language(competency.description_pl, competency.description_en),
                levels=[LevelShown(lv, names[lv], texts.get(lv, "")) for lv in LEVELS],
                seats=[
                    SeatShown(
                        str(seat.label),
                        competency.expected_for(seat),
                        names.get(competency.expected_for(seat), ""),
                    )
                    for seat in Level
                ],
            )
        )
    return shown


def _scheme_page(
    request: AuthenticatedHttpRequest, scheme: CompetencyScheme | None, *, status: int = 200
) -> HttpResponse:
    office = editing.is_office(request.user)
    frozen = scheme is None or editing.is_frozen(scheme)
    previous = editing.previous_version(scheme) if scheme else None
    context = {
        "scheme": scheme,
        "current": current_scheme(),
        "name": _in_language(scheme.name_pl, scheme.name_en) if scheme else "",
        "change_note": (
            _in_language(scheme.change_note_pl, scheme.change_note_en) if scheme else ""
        ),
        "competencies": _shown(scheme) if scheme else [],
        "level_names": [(lv, level_name(scheme, lv)) for lv in LEVELS] if scheme else [],
        "seats": [str(seat.label) for seat in Level],
        "versions": editing.schemes_visible_to(request.user),
        "previous": previous,
        "differences": editing.scheme_differences(previous, scheme) if previous and scheme else [],
        "office": office,
        "frozen": frozen,
        "problems": editing.scheme_problems(scheme) if office and scheme and not frozen else [],
        "warnings": editing.scheme_warnings(scheme) if office and scheme and not frozen else [],
    }
    return render(request, "competencies/office/scheme.html", context, status=status)


@login_required
def scheme_current(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The scheme in force: every account reads it."""
    return _scheme_page(request, current_scheme())


@login_required
def scheme_version(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """A version: published ones for every account, drafts for the office."""
    return _scheme_page(request, editing.scheme_get_for_user(request.user, scheme_id))


@login_required
def scheme_copy(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """A new version: a draft copy of this one, with the note of what it changes."""
    scheme = editing.scheme_get_for_user(request.user, scheme_id)
    by = editing.require_office(request.user)
    form = CopyForm(request.POST or None, initial={"version": editing.next_version(scheme)})
    if request.method == "POST" and form.is_valid():
        try:
            draft = editing.scheme_copy(scheme=scheme, by=by, **form.cleaned_data)
        except SchemeError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Version %(version)s is a draft copy: change it, then publish it.")
                % {"version": draft.version},
            )
            return redirect("competency-scheme-version", draft.pk)
    status = 400 if request.method == "POST" else 200
    context = {"scheme": scheme, "form": form}
    return render(request, "competencies/office/scheme_copy.html", context, status=status)


def _refused(form: CompetencyForm | SchemeForm, error: SchemeError) -> int:
    """The form shown again with the reason; 409 when someone else saved meanwhile."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
    return 409 if error.stale else 400


@login_required
def scheme_edit(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """A draft's version number, names, change note and level names."""
    scheme = editing.draft_get_for_office(request.user, scheme_id)
    form = SchemeForm(request.POST or None, initial=SchemeForm.initial_of(scheme))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                editing.scheme_update(
                    scheme=scheme,
                    data=form.to_input(),
                    by=editing.require_office(request.user),
                    revision=form.cleaned_data["revision"],
                )
            except SchemeError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("competency-scheme-version", scheme.pk)
    context = {"scheme": scheme, "form": form}
    return render(request, "competencies/office/scheme_form.html", context, status=status)


@login_required
def scheme_publish(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """GET: what publishing means, and what still keeps the draft from it; POST: publish."""
    scheme = editing.draft_get_for_office(request.user, scheme_id)
    problems = editing.scheme_problems(scheme)
    status = 200
    if request.method == "POST":
        revision = request.POST.get("revision", "")
        try:
            editing.scheme_publish(
                scheme=scheme,
                by=editing.require_office(request.user),
                revision=int(revision) if revision.isdigit() else -1,
            )
        except SchemeError as error:
            messages.error(request, error.message)
            problems = error.problems
            status = 409 if error.stale else 400
        else:
            messages.success(
                request,
                _("Version %(version)s is published: new assessments use it.")
                % {"version": scheme.version},
            )
            return redirect("competency-scheme-version", scheme.pk)
    context = {
        "scheme": scheme,
        "problems": problems,
        "warnings": editing.scheme_warnings(scheme),
        "current": current_scheme(),
    }
    return render(request, "competencies/office/scheme_publish.html", context, status=status)


def _competency_form(
    request: AuthenticatedHttpRequest, scheme: CompetencyScheme, competency: Competency | None
) -> HttpResponse:
    initial = (
        CompetencyForm.initial_of(competency, scheme.revision)
        if competency
        else {"revision": scheme.revision}
    )
    names = {lv: level_name(scheme, lv) for lv in LEVELS}
    form = CompetencyForm(
        request.POST or None, initial=initial, with_code=competency is None, level_names=names
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            by = editing.require_office(request.user)
            revision = form.cleaned_data["revision"]
            try:
                if competency is None:
                    code = form.cleaned_data["code"]
                    editing.competency_add(
                        scheme=scheme, by=by, code=code, data=form.to_input(), revision=revision
                    )
                else:
                    editing.competency_update(
                        competency=competency, by=by, data=form.to_input(), revision=revision
                    )
            except SchemeError as error:
                status = _refused(form, error)
            else:
                messages.success(request, _("The competency is saved."))
                return redirect("competency-scheme-version", scheme.pk)
    context = {
        "scheme": scheme,
        "competency": competency,
        "form": form,
    }
    return render(request, "competencies/office/competency_form.html", context, status=status)


@login_required
def competency_add(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    scheme = editing.draft_get_for_office(request.user, scheme_id)
    return _competency_form(request, scheme, None)


@login_required
def competency_edit(
    request: AuthenticatedHttpRequest, scheme_id: int, competency_id: int
) -> HttpResponse:
    scheme = editing.draft_get_for_office(request.user, scheme_id)
    return _competency_form(request, scheme, editing.competency_get(scheme, competency_id))


@login_required
@require_POST
def competency_remove(
    request: AuthenticatedHttpRequest, scheme_id: int, competency_id: int
) -> HttpResponse:
    scheme = editing.draft_get_for_office(request.user, scheme_id)
    competency = editing.competency_get(scheme, competency_id)
    revision = request.POST.get("revision", "")
    try:
        editing.competency_remove(
            competency=competency,
            by=editing.require_office(request.user),
            revision=int(revision) if revision.isdigit() else -1,
        )
    except SchemeError as error:
        messages.error(request, error.message)
        return _scheme_page(request, scheme, status=409 if error.stale else 400)
    messages.success(request, _("The competency %(code)s is removed.") % {"code": competency.code})
    return redirect("competency-scheme-version", scheme.pk)


# --- learning suggestions ----------------------------------------------------------------


@login_required
def suggestion_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = ResourceFilter(request.GET or None)
    resources = chosen.chosen(editing.resources_for_office(request.user))
    names = dict(editing.competency_choices())
    order = {code: position for position, code in enumerate(names)}
    resources.sort(key=lambda r: (order.get(r.competency_code, len(order)), r.kind, r.title))
    context = {
        "resources": [(names.get(r.competency_code, r.competency_code), r) for r in resources],
        "filter": chosen,
        "scheme": current_scheme(),
    }
    return render(request, "competencies/office/suggestion_list.html", context)


def _suggestion_form(
    request: AuthenticatedHttpRequest, resource: LearningResource | None
) -> HttpResponse:
    by = editing.require_office(request.user)
    initial = ResourceForm.initial_of(resource) if resource else {}
    form = ResourceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                editing.resource_save(resource=resource, data=form.to_input(), by=by)
            except SchemeError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The learning suggestion is saved."))
                return redirect("competency-suggestions")
    context = {"form": form, "resource": resource}
    return render(request, "competencies/office/suggestion_form.html", context, status=status)


@login_required
def suggestion_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _suggestion_form(request, None)


@login_required
def suggestion_edit(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    return _suggestion_form(request, editing.resource_get_for_office(request.user, resource_id))


@login_required
@require_POST
def suggestion_delete(request: AuthenticatedHttpRequest, resource_id: int) -> HttpResponse:
    resource = editing.resource_get_for_office(request.user, resource_id)
    editing.resource_delete(resource=resource, by=editing.require_office(request.user))
    messages.success(
        request, _("The learning suggestion “%(title)s” is removed.") % {"title": resource.title}
    )
    return redirect("competency-suggestions")
