from django.urls import path

import benchlearn.collection.views_files as views

_UNIT = "<int:round_id>/units/<str:teryt>/"

urlpatterns = [
    path(_UNIT + "template.xlsx", views.values_template, name="values-template"),
    path(_UNIT + "upload/", views.values_upload, name="values-upload"),
    path("<int:round_id>/workbook.xlsx", views.round_workbook, name="round-workbook"),
    path("<int:round_id>/values.csv", views.round_values_csv, name="round-values-csv"),
    path("<int:round_id>/upload/", views.round_upload, name="round-upload"),
    path("imports/<int:job_id>/", views.import_job_detail, name="import-job"),
]
