"""The members' URLs of good practices."""

from django.urls import path

from benchlearn.practices import views

PRACTICE = "practices/<int:practice_id>/"

urlpatterns = [
    path("practices/", views.practice_list, name="practice-list"),
    path("practices/new/", views.practice_new, name="practice-new"),
    path("practices/review/", views.practice_review_list, name="practice-review-list"),
    path(PRACTICE, views.practice_detail, name="practice-detail"),
    path(PRACTICE + "edit/", views.practice_edit, name="practice-edit"),
    path(PRACTICE + "step/", views.practice_step, name="practice-step"),
    path(PRACTICE + "comment/", views.practice_comment, name="practice-comment"),
    path(PRACTICE + "files/", views.practice_file_add, name="practice-file-add"),
    path(PRACTICE + "files/<int:practice_file_id>/", views.practice_file, name="practice-file"),
    path(
        PRACTICE + "files/<int:practice_file_id>/delete/",
        views.practice_file_delete,
        name="practice-file-delete",
    ),
    path(PRACTICE + "versions/", views.practice_version_list, name="practice-versions"),
    path(
        PRACTICE + "versions/<int:version>/", views.practice_version_detail, name="practice-version"
    ),
    path(
        "plans/<int:plan_id>/actions/<int:action_id>/share/",
        views.practice_from_action_view,
        name="practice-from-action",
    ),
    path(
        "groups/<int:group_id>/meetings/<int:number>/share/",
        views.practice_from_meeting_view,
        name="practice-from-meeting",
    ),
]
