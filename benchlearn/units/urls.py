from django.urls import path

from benchlearn.units import views

urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("<str:teryt>/", views.unit_detail, name="unit-detail"),
]
