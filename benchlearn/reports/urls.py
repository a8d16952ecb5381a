from django.urls import path

from benchlearn.reports import views

# Mounted at the site's root: the downloads sit beside the pages they come from.
urlpatterns = [
    path("units/<str:teryt>/results/report.pdf", views.unit_report, name="unit-report-pdf"),
    path(
        "units/<str:teryt>/results/table.xlsx",
        views.dashboard_table,
        {"fmt": "xlsx"},
        name="unit-results-xlsx",
    ),
    path(
        "units/<str:teryt>/results/table.csv",
        views.dashboard_table,
        {"fmt": "csv"},
        name="unit-results-csv",
    ),
    path(
        "units/<str:teryt>/results/<str:indicator_code>/table.xlsx",
        views.indicator_table,
        {"fmt": "xlsx"},
        name="unit-indicator-xlsx",
    ),
    path(
        "units/<str:teryt>/results/<str:indicator_code>/table.csv",
        views.indicator_table,
        {"fmt": "csv"},
        name="unit-indicator-csv",
    ),
    path("groups/<int:group_id>/report.pdf", views.group_report, name="group-report-pdf"),
    path(
        "groups/<int:group_id>/meeting-pack.pdf",
        views.meeting_pack,
        name="group-meeting-pack-pdf",
    ),
]
