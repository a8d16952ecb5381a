"""A person's competency pages: their assessments, profile and development goals."""

from django.urls import path

from benchlearn.competencies import views

urlpatterns = [
    path("", views.competency_home, name="competency-home"),
    path("<int:group_id>/start/", views.competency_start, name="competency-start"),
    path(
        "assessments/<int:assessment_id>/",
        views.competency_assessment,
        name="competency-assessment",
    ),
    path("<int:group_id>/profile/", views.competency_profile, name="competency-profile"),
    path("<int:group_id>/goals/", views.competency_goal_add, name="competency-goal-add"),
    path("goals/<int:goal_id>/", views.competency_goal_edit, name="competency-goal-edit"),
]
