"""The competency pages of aggregates, exports and trainings (views_training)."""

from django.urls import path

from benchlearn.competencies import views_training as views

urlpatterns = [
    path("programmes/<int:programme_id>/", views.programme_page, name="competency-programme"),
    path(
        "programmes/<int:programme_id>/competencies.xlsx",
        views.programme_xlsx,
        name="competency-programme-xlsx",
    ),
    path(
        "programmes/<int:programme_id>/competencies.pdf",
        views.programme_pdf,
        name="competency-programme-pdf",
    ),
    path(
        "programmes/<int:programme_id>/trainings/",
        views.training_list,
        name="competency-trainings",
    ),
    path(
        "programmes/<int:programme_id>/trainings/new/",
        views.training_create_view,
        name="competency-training-create",
    ),
    path("trainings/<int:training_id>/", views.training_edit_view, name="competency-training-edit"),
    path(
        "trainings/<int:training_id>/attendance/",
        views.training_attendance,
        name="competency-training-attendance",
    ),
    path("groups/<int:group_id>/", views.group_page, name="competency-group"),
]
