from django.urls import path

from benchlearn.units import views

urlpatterns = [
    path("<str:teryt>/", views.unit_detail, name="unit-detail"),
]
