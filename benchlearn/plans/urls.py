"""The URLs of improvement plans."""

from django.urls import path

from benchlearn.plans import views, views_progress

PLAN = "plans/<int:plan_id>/"

urlpatterns = [
    path("groups/<int:group_id>/plans/", views.plan_list, name="plan-list"),
    path(
        "groups/<int:group_id>/plans/overview/",
        views_progress.plan_overview,
        name="plan-overview",
    ),
    path(
        "groups/<int:group_id>/plans/start/<str:teryt>/",
        views.plan_start_view,
        name="plan-start",
    ),
    path(PLAN, views.plan_detail, name="plan-detail"),
    path(PLAN + "step/", views.plan_step, name="plan-step"),
    path(PLAN + "diagnosis/<int:diagnosis_id>/", views.plan_diagnosis_item, name="plan-diagnosis"),
    path(PLAN + "actions/new/", views.plan_action_add, name="plan-action-add"),
    path(PLAN + "actions/<int:action_id>/", views.plan_action_edit, name="plan-action-edit"),
    path(
        PLAN + "actions/<int:action_id>/delete/",
        views.plan_action_delete,
        name="plan-action-delete",
    ),
    path(
        PLAN + "actions/<int:action_id>/comment/",
        views.plan_action_comment,
        name="plan-action-comment",
    ),
    path(
        PLAN + "actions/<int:action_id>/progress/",
        views_progress.plan_progress,
        name="plan-progress",
    ),
    path(
        PLAN + "progress-files/<int:progress_file_id>/",
        views_progress.plan_progress_file,
        name="plan-progress-file",
    ),
    path(PLAN + "versions/", views.plan_version_list, name="plan-versions"),
    path(PLAN + "versions/<int:version>/", views.plan_version_detail, name="plan-version"),
]
