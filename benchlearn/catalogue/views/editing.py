"""The one flow of the catalogue editor's create and edit pages (domains, variables,
indicators, sets, rules): the form; on a valid post the service, which stores the
change and records it (``CatalogueChange``), then a message and a redirect; a form
opened on an older state of the item (its edit token) the page again with the edits
made meanwhile (409); the service's problems on the form (400, nothing stored)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render

from benchlearn.accounts.access import AuthenticatedHttpRequest
from benchlearn.catalogue.services import CatalogueProblems, StaleEdit, edit_token

Saved = TypeVar("Saved")


def edit_initial(
    form_class: type[forms.Form],
    item: Any,
    *,
    owner: Any = None,
    skip: Iterable[str] = (),
    **more: object,
) -> dict[str, object]:
    """An edit form opened on ``item``: the code and domain of ``owner`` (the item
    itself, or an indicator for its current version), the edit token of this state of
    ``item``, then every field of the form that ``item`` has (but ``skip``)."""
    owner = item if owner is None else owner
    domain = getattr(owner, "domain", None)
    skipped = set(skip)
    return {
        "code": owner.code,
        "domain": domain.code if domain else "",
        **more,
        "base_token": edit_token(item.updated_at),
        **{
            name: getattr(item, name)
            for name in form_class.base_fields
            if hasattr(item, name) and name not in skipped
        },
    }


def problems_into(form: forms.Form, problems: list[str]) -> None:
    for problem in problems:
        form.add_error(None, problem)


def form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    *,
    template: str,
    save: Callable[[], Saved],
    message: str | Callable[[Saved], str],
    then: Callable[[Saved], HttpResponse],
    context: dict[str, object] | Callable[[], dict[str, object]],
) -> HttpResponse:
    """A create or edit page: ``save`` calls the service with the valid ``form``'s
    data; ``message`` (or what it gives for the saved item) is shown after ``then``'s
    redirect. ``context`` is the page's (a function when it is built from the posted
    form)."""

    def page(**more: object) -> dict[str, object]:
        return (context() if callable(context) else context) | more

    if request.method != "POST":
        return render(request, template, page())
    if form.is_valid():
        try:
            saved = save()
        except StaleEdit as stale:
            return render(request, template, page(stale=stale.edits), status=409)
        except CatalogueProblems as error:
            problems_into(form, error.problems)
        else:
            messages.success(request, message(saved) if callable(message) else message)
            return then(saved)
    return render(request, template, page(), status=400)
