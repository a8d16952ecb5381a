from django.urls import path

from benchlearn.delivery import views

urlpatterns = [
    path("<str:teryt>/delivery/", views.unit_forms, name="unit-delivery"),
    path("<str:teryt>/delivery/<str:domain_code>/", views.edit, name="unit-delivery-edit"),
]
