from django.urls import path

from benchlearn.reports import views

# Mounted at the site's root: the downloads sit beside the pages they come from.
urlpatterns = [
    path("units/<str:teryt>/results/report.pdf", views.unit_report, name="unit-report-pdf"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("documents/<int:document_id>/file", views.document_file, name="document-file"),
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
    path(
        "units/<str:teryt>/results/domains/<str:domain_code>/table.xlsx",
        views.domain_table,
        {"fmt": "xlsx"},
        name="unit-domain-xlsx",
    ),
    path(
        "units/<str:teryt>/results/domains/<str:domain_code>/table.csv",
        views.domain_table,
        {"fmt": "csv"},
        name="unit-domain-csv",
    ),
    path(
        "units/<str:teryt>/efficiency/<str:model_code>/table.xlsx",
        views.efficiency_table,
        {"fmt": "xlsx"},
        name="unit-efficiency-xlsx",
    ),
    path(
        "units/<str:teryt>/efficiency/<str:model_code>/table.csv",
        views.efficiency_table,
        {"fmt": "csv"},
        name="unit-efficiency-csv",
    ),
    path("groups/<int:group_id>/report.pdf", views.group_report, name="group-report-pdf"),
    path(
        "groups/<int:group_id>/meeting-pack.pdf",
        views.group_meeting_pack,
        name="group-meeting-pack-pdf",
    ),
    path("plans/<int:plan_id>/plan.pdf", views.plan_report, name="plan-pdf"),
    path("groups/<int:group_id>/plans.xlsx", views.group_plans_xlsx, name="plan-list-xlsx"),
    path(
        "surveys/<int:survey_id>/units/<str:teryt>/codes/<int:batch>/letters.pdf",
        views.survey_letters,
        name="survey-letters-pdf",
    ),
    path(
        "surveys/<int:survey_id>/units/<str:teryt>/paper.pdf",
        views.survey_paper,
        name="survey-paper-pdf",
    ),
    path(
        "groups/<int:group_id>/meetings/<int:number>/pack.pdf",
        views.meeting_pack,
        name="meeting-pack-pdf",
    ),
]
