from django.urls import path

from benchlearn.groups import views

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("<int:group_id>/", views.group_detail, name="group-detail"),
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/new/", views.programme_edit, name="programme-create"),
    path("programmes/<int:programme_id>/", views.programme_edit, name="programme-edit"),
]
