from django.urls import path

from benchlearn.groups import views

urlpatterns = [
    path("", views.group_list, name="group-list"),
    path("<int:group_id>/", views.group_detail, name="group-detail"),
]
