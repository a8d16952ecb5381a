from django.urls import path

from benchlearn.meetings import views

MEETING = "groups/<int:group_id>/meetings/<int:number>/"

urlpatterns = [
    path("groups/<int:group_id>/meetings/", views.meeting_list, name="meeting-list"),
    path("groups/<int:group_id>/meetings/plan/", views.meeting_plan, name="meeting-plan"),
    path(MEETING, views.meeting_detail, name="meeting-detail"),
    path(MEETING + "edit/", views.meeting_edit, name="meeting-edit"),
    path(MEETING + "attendance/", views.meeting_attendance, name="meeting-attendance"),
    path(MEETING + "minutes/", views.meeting_minutes, name="meeting-minutes"),
    path(MEETING + "actions/", views.meeting_action_add, name="meeting-action-add"),
    path(
        MEETING + "actions/<int:item_id>/",
        views.meeting_action_status,
        name="meeting-action-status",
    ),
    path(MEETING + "files/", views.meeting_attachment_add, name="meeting-attachment-add"),
    path(
        MEETING + "files/<int:attachment_id>/",
        views.meeting_attachment,
        name="meeting-attachment",
    ),
    path(MEETING + "invite/", views.meeting_invite, name="meeting-invite"),
    path(MEETING + "calendar.ics", views.meeting_calendar, name="meeting-calendar"),
    path("meetings/feed/", views.calendar_feed, name="calendar-feed"),
    path("meetings/feed/<str:feed_token>.ics", views.calendar_feed_ics, name="calendar-feed-ics"),
]
