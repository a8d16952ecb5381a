from django.urls import path

from benchlearn.public import views

urlpatterns = [
    path("", views.start, name="portal-start"),
    path("indicators/", views.indicators, name="portal-indicators"),
    path("indicators/<str:indicator_code>/", views.indicator, name="portal-indicator"),
    path("indicators/<str:indicator_code>/<int:year>/", views.results, name="portal-results"),
    path(
        "indicators/<str:indicator_code>/<int:year>/<str:dimension>.svg",
        views.chart,
        name="portal-chart",
    ),
    path("data/", views.data, name="portal-data"),
    path("data/<int:year>.<str:fmt>", views.download, name="portal-download"),
]
