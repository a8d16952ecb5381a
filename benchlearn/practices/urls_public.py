"""The portal's URLs of good practices (included at /portal/practices/)."""

from django.urls import path

from benchlearn.practices import views_public

urlpatterns = [
    path("", views_public.public_practice_list, name="portal-practice-list"),
    path("<int:practice_id>/", views_public.public_practice_detail, name="portal-practice-detail"),
    path(
        "<int:practice_id>/files/<int:practice_file_id>/",
        views_public.public_practice_file,
        name="portal-practice-file",
    ),
]
