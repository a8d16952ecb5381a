"""The survey results pages (mounted at /surveys/ beside the office's pages)."""

from django.urls import path

from benchlearn.surveys import results_views

UNIT = "<int:survey_id>/results/<str:teryt>/"

urlpatterns = [
    path("results/", results_views.results_list, name="survey-results-list"),
    path("<int:survey_id>/results/", results_views.comparison, name="survey-comparison"),
    path(
        "<int:survey_id>/results/comparison.pdf",
        results_views.comparison_pdf,
        name="survey-comparison-pdf",
    ),
    path(UNIT, results_views.unit_page, name="survey-results"),
    path(UNIT + "open-answers/", results_views.open_answers, name="survey-open-answers"),
    path(UNIT + "trend/", results_views.trend, name="survey-trend"),
    path(UNIT + "population/", results_views.population, name="survey-population"),
    path(UNIT + "report.pdf", results_views.unit_pdf, name="survey-results-pdf"),
]
