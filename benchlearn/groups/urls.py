from django.urls import path

from benchlearn.groups import views
from benchlearn.groups.views import edit, programme_report, programmes, seats, workspace

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("new/", edit.group_create_view, name="group-create"),
    path("<int:group_id>/", views.group_detail, name="group-detail"),
    path("<int:group_id>/edit/", edit.group_edit_view, name="group-edit"),
    path("<int:group_id>/seats/", seats.group_seats, name="group-seats"),
    path("<int:group_id>/workspace/", workspace.group_workspace, name="group-workspace"),
    path("<int:group_id>/seats/invite/", seats.seat_invite, name="seat-invite"),
    path("<int:group_id>/seats/assign/", seats.seat_assign, name="seat-assign"),
    path("<int:group_id>/seats/<int:holding_id>/leave/", seats.seat_leave, name="seat-leave"),
    path(
        "<int:group_id>/invitations/<int:invitation_id>/withdraw/",
        seats.seat_invitation_withdraw,
        name="seat-invitation-withdraw",
    ),
    path("programmes/", programmes.programme_list, name="programme-list"),
    path("programmes/new/", programmes.programme_edit, name="programme-create"),
    path("programmes/<int:programme_id>/", programmes.programme_edit, name="programme-edit"),
    path(
        "programmes/<int:programme_id>/report/",
        programme_report.programme_report_view,
        name="programme-report",
    ),
    path(
        "programmes/<int:programme_id>/report.xlsx",
        programme_report.programme_report_download,
        name="programme-report-xlsx",
    ),
]
