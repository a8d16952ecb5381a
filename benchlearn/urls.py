from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from benchlearn import views
from benchlearn.accounts.views import start
from benchlearn.api.api import api
from benchlearn.results import views as results_views

admin.site.site_header = _("Benchlearn administration")
admin.site.site_title = _("Benchlearn administration")
admin.site.index_title = _("Raw data maintenance")

urlpatterns = [
    path("", start, name="start"),
    path("accounts/", include("benchlearn.accounts.urls")),
    path("units/", include("benchlearn.units.urls")),
    path("units/", include("benchlearn.results.urls")),
    path("units/", include("benchlearn.delivery.urls")),
    path("", include("benchlearn.reports.urls")),
    path("results/", results_views.computations, name="computations"),
    path(
        "results/<int:computation_id>/publish/",
        results_views.computation_publish_view,
        name="computation-publish",
    ),
    path(
        "results/<int:computation_id>/unpublish/",
        results_views.computation_unpublish_view,
        name="computation-unpublish",
    ),
    path("results/efficiency/", results_views.efficiency_models, name="efficiency-models"),
    path(
        "results/efficiency/<str:model_code>/",
        results_views.efficiency_models,
        name="efficiency-model",
    ),
    path(
        "results/efficiency/<str:model_code>/delete/",
        results_views.efficiency_model_remove,
        name="efficiency-model-delete",
    ),
    path("groups/", include("benchlearn.groups.urls")),
    path("", include("benchlearn.meetings.urls")),
    path("groups/", include("benchlearn.board.urls")),
    path("", include("benchlearn.plans.urls")),
    path("", include("benchlearn.practices.urls")),
    # The competency scheme: a person's assessments and profile, the office's scheme,
    # suggestions, aggregates and trainings.
    path("competencies/", include("benchlearn.competencies.urls")),
    path("competencies/", include("benchlearn.competencies.urls_office")),
    path("competencies/", include("benchlearn.competencies.urls_training")),
    path("catalogue/", include("benchlearn.catalogue.urls")),
    path("rounds/", include("benchlearn.collection.urls")),
    path("surveys/", include("benchlearn.surveys.urls_office")),
    path("surveys/", include("benchlearn.surveys.urls_results")),
    path("notifications/", include("benchlearn.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The public portal: published indicators and averaged results, without an account.
    path("portal/", include("benchlearn.public.urls")),
    # Residents answering surveys: short links for letters and posters.
    path("s/", include("benchlearn.surveys.urls_public")),
    # Good practices published to everyone, on the public portal.
    path("portal/practices/", include("benchlearn.practices.urls_public")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("healthz", views.healthz, name="healthz"),
]

handler400 = "benchlearn.views.bad_request"
handler403 = "benchlearn.views.permission_denied"
handler404 = "benchlearn.views.page_not_found"
handler500 = "benchlearn.views.server_error"
