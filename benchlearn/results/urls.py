from django.urls import path

from benchlearn.results import views

urlpatterns = [
    path("<str:teryt>/results/", views.dashboard, name="unit-results"),
    path(
        "<str:teryt>/results/domains/<str:domain_code>/",
        views.domain_profile,
        name="unit-domain-profile",
    ),
    path("<str:teryt>/efficiency/<str:model_code>/", views.efficiency, name="unit-efficiency"),
    path("<str:teryt>/results/<str:indicator_code>/", views.indicator, name="unit-indicator"),
]
