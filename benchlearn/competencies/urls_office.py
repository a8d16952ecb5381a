"""The competency scheme's pages (read by every account, versions edited by the office)
and the office's learning suggestions; mounted at /competencies/."""

from django.urls import path

from benchlearn.competencies import views_office

SCHEME = "scheme/<int:scheme_id>/"
COMPETENCY = SCHEME + "competencies/<int:competency_id>/"

urlpatterns = [
    path("scheme/", views_office.scheme_current, name="competency-scheme"),
    path(SCHEME, views_office.scheme_version, name="competency-scheme-version"),
    path(SCHEME + "copy/", views_office.scheme_copy, name="competency-scheme-copy"),
    path(SCHEME + "edit/", views_office.scheme_edit, name="competency-scheme-edit"),
    path(SCHEME + "publish/", views_office.scheme_publish, name="competency-scheme-publish"),
    path(SCHEME + "competencies/new/", views_office.competency_add, name="competency-scheme-add"),
    path(COMPETENCY, views_office.competency_edit, name="competency-scheme-competency"),
    path(COMPETENCY + "remove/", views_office.competency_remove, name="competency-scheme-remove"),
    path("suggestions/", views_office.suggestion_list, name="competency-suggestions"),
    path("suggestions/new/", views_office.suggestion_add, name="competency-suggestion-add"),
    path(
        "suggestions/<int:resource_id>/",
        views_office.suggestion_edit,
        name="competency-suggestion-edit",
    ),
    path(
        "suggestions/<int:resource_id>/delete/",
        views_office.suggestion_delete,
        name="competency-suggestion-delete",
    ),
]
