"""The residents' pages, mounted at /s/ (short, for letters and posters)."""

from django.urls import path

from benchlearn.surveys import views_public

urlpatterns = [
    path("code/", views_public.code_entry, name="survey-code"),
    path("privacy/", views_public.privacy, name="survey-privacy"),
    path("<str:open_token>/", views_public.answer, name="survey-answer"),
    path("<str:open_token>/thanks/", views_public.thanks, name="survey-thanks"),
]
