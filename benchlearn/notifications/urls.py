from django.urls import path

from benchlearn.notifications import views, views_introductions

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("<int:notification_id>/read/", views.notification_mark_read, name="notification-read"),
    path("read/", views.notifications_mark_all_read, name="notifications-read-all"),
    path("preferences/", views.notification_preferences, name="notification-preferences"),
    path("introductions/", views_introductions.introduction_list, name="introduction-list"),
    path(
        "introductions/<int:request_id>/",
        views_introductions.introduction_detail,
        name="introduction-detail",
    ),
    path(
        "introductions/new/<str:teryt>/",
        views_introductions.introduction_new,
        name="introduction-new",
    ),
]
