"""The office's pages of questionnaires and surveys (mounted at /surveys/; the
residents' pages are at /s/, the printed PDFs in ``reports.urls``)."""

from django.urls import path

from benchlearn.surveys import views_codes, views_import, views_office

QUESTIONNAIRE = "questionnaires/<int:questionnaire_id>/"
VERSION = QUESTIONNAIRE + "v<int:version_number>/"
QUESTION = VERSION + "questions/<int:question_id>/"
UNIT = "<int:survey_id>/units/<str:teryt>/"

urlpatterns = [
    path("", views_office.survey_list, name="survey-list"),
    path("new/", views_office.survey_create, name="survey-create"),
    path("<int:survey_id>/", views_office.survey_detail, name="survey-detail"),
    path("<int:survey_id>/edit/", views_office.survey_edit, name="survey-edit"),
    path("<int:survey_id>/open/", views_office.survey_open, name="survey-open"),
    path("<int:survey_id>/close/", views_office.survey_close, name="survey-close"),
    path("<int:survey_id>/import/", views_import.import_upload, name="survey-import"),
    path("<int:survey_id>/import/<str:key>/", views_import.import_map, name="survey-import-map"),
    path(UNIT, views_codes.survey_unit, name="survey-unit"),
    path(UNIT + "qr.png", views_codes.survey_unit_qr, name="survey-unit-qr"),
    path(UNIT + "codes/", views_codes.codes_create, name="survey-codes-create"),
    path(UNIT + "codes/<int:batch>.csv", views_codes.codes_csv, name="survey-codes-csv"),
    path(UNIT + "paper/", views_codes.paper_entry, name="survey-paper-entry"),
    path("questionnaires/", views_office.questionnaire_list, name="questionnaire-list"),
    path("questionnaires/new/", views_office.questionnaire_create, name="questionnaire-create"),
    path(QUESTIONNAIRE, views_office.questionnaire_detail, name="questionnaire-detail"),
    path(
        QUESTIONNAIRE + "new-version/", views_office.version_new, name="questionnaire-version-new"
    ),
    path(VERSION, views_office.questionnaire_version, name="questionnaire-version"),
    path(VERSION + "intro/", views_office.version_intro, name="questionnaire-intro"),
    path(VERSION + "publish/", views_office.version_publish, name="questionnaire-publish"),
    path(VERSION + "questions/new/", views_office.question_add, name="question-add"),
    path(QUESTION, views_office.question_edit, name="question-edit"),
    path(QUESTION + "move/", views_office.question_move, name="question-move"),
    path(QUESTION + "delete/", views_office.question_delete, name="question-delete"),
]
