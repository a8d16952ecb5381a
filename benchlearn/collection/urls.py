from django.urls import include, path

import benchlearn.collection.views as views
import benchlearn.collection.views_results as views_results

_UNIT = "<int:round_id>/units/<str:teryt>/"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("new/", views.round_create_view, name="round-create"),
    path("<int:round_id>/", views.round_detail, name="round-detail"),
    path("<int:round_id>/open/", views.round_open_view, name="round-open"),
    path("<int:round_id>/close/", views.round_close_view, name="round-close"),
    path("<int:round_id>/reopen/", views.round_reopen_view, name="round-reopen"),
    path("<int:round_id>/signoff/", views.round_signoff_view, name="round-signoff-edit"),
    path("<int:round_id>/remind/", views.round_remind_view, name="round-remind"),
    path("<int:round_id>/results/", views_results.round_results_view, name="round-results"),
    path(_UNIT, views.submission_form, name="submission-form"),
    path(_UNIT + "submit/", views.submission_submit_view, name="submission-submit"),
    path(_UNIT + "check/", views.submission_check_view, name="submission-check"),
    path(_UNIT + "signoff/", views.submission_signoff_request_view, name="submission-signoff"),
    path(
        _UNIT + "signoff/confirm/",
        views.submission_signoff_confirm_view,
        name="submission-signoff-confirm",
    ),
    path(
        _UNIT + "signoff/send-back/",
        views.submission_signoff_send_back_view,
        name="submission-signoff-send-back",
    ),
    path(_UNIT + "return/", views.submission_return_view, name="submission-return"),
    path(_UNIT + "approve/", views.submission_approve_view, name="submission-approve"),
    path(_UNIT + "reopen/", views.submission_reopen_view, name="submission-reopen"),
    path(_UNIT + "history/", views.submission_history_view, name="submission-history"),
    path(
        _UNIT + "history/<str:code>/",
        views.value_history_view,
        name="value-history",
    ),
    path(
        _UNIT + "restore/<int:change_id>/",
        views.value_restore_view,
        name="value-restore",
    ),
    path("", include("benchlearn.collection.urls_files")),
]
