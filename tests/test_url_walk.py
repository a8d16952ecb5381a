"""Every URL of the project, opened by every role: who gets in and who does not.

A new URL without a row in EXPECTED fails this test, so nobody adds a page without
deciding who may open it.
"""

import datetime
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from benchlearn.accounts.services import api_token_create
from benchlearn.catalogue.models import Indicator, IndicatorSet
from benchlearn.catalogue.services import catalogue_import, catalogue_publish, rule_create
from benchlearn.collection.models import ImportJob, Submission, ValueChange
from benchlearn.collection.services import round_create, round_open, submission_save
from benchlearn.groups.services import invitation_create, programme_create, seat_fill
from benchlearn.meetings.attachments import attachment_add
from benchlearn.meetings.services import (
    action_add,
    calendar_feed_renew,
    meetings_plan,
    plan_proposal,
)
from benchlearn.notifications.models import IntroductionRequest, Notification
from benchlearn.reports.models import Document
from benchlearn.results.models import (
    ComparisonGroup,
    Computation,
    ComputationState,
    EfficiencyModel,
    EfficiencyScore,
    GroupStat,
    Result,
)
from benchlearn.units.models import Level
from tests.board.walk import board_parameters
from tests.catalogue.conftest import SMALL_YAML
from tests.competencies.walk_assess import competencies_assess_parameters
from tests.competencies.walk_office import competencies_office_parameters
from tests.competencies.walk_training import competencies_training_parameters
from tests.conftest import client_for, make_user
from tests.plans.walk import plans_parameters
from tests.practices.walk import practices_parameters
from tests.public.walk import public_parameters
from tests.surveys.office_walk import surveys_parameters
from tests.surveys.walk import public_survey_parameters

ROLES = [
    "anonymous",
    "operator",
    "moderator",
    "participant_a",
    "participant_b",
    "stranger",
    "nobody",
]
LOGGED_IN = ROLES[1:]

OK = 200
LOGIN = "login"  # redirected to the login page
DENIED = 403  # the user sees the object (or the page has none) but may not do this
HIDDEN = 404  # the user may not see the object: answered as if it did not exist
UNAUTHORISED = 401
NOT_ALLOWED = 405  # wrong HTTP method for a GET (the page only takes POST)
REDIRECT = 302
NOT_FOUND = 404


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def members_only(
    status_in: dict[str, int | str], anonymous: int | str = LOGIN
) -> dict[str, int | str]:
    return {"anonymous": anonymous, **status_in}


UNIT_A = members_only(
    {
        "operator": OK,
        "moderator": OK,
        "participant_a": OK,
        "participant_b": HIDDEN,
        "stranger": HIDDEN,
        "nobody": HIDDEN,
    }
)
GROUP = members_only(
    {
        "operator": OK,
        "moderator": OK,
        "participant_a": OK,
        "participant_b": OK,
        "stranger": HIDDEN,
        "nobody": HIDDEN,
    }
)
# The catalogue: every account reads it, only operators edit it.
OPERATOR_ONLY = members_only({**dict.fromkeys(LOGGED_IN, DENIED), "operator": OK})
# The operator's pages of a round: refused to those who see the round, hidden from others.
ROUND_OPERATOR_ONLY = {
    **GROUP,
    "participant_a": DENIED,
    "participant_b": DENIED,
    "moderator": DENIED,
}

# A group's meetings: read by its people, changed by its moderator and the office.
MEETINGS_CHANGE = {**GROUP, "participant_a": DENIED, "participant_b": DENIED}

# A draft of the competency scheme: the office's alone (tests/competencies/walk_office.py).
SCHEME_DRAFT = members_only({**dict.fromkeys(LOGGED_IN, HIDDEN), "operator": OK})

EXPECTED: dict[str, dict[str, int | str]] = {
    "start": everyone(OK),
    # The public portal and its open data: for everyone, without an account. Publishing
    # is the office's (POST only).
    "portal-start": everyone(OK),
    "portal-indicators": everyone(OK),
    "portal-indicator": everyone(OK),
    "portal-results": everyone(OK),
    "portal-chart": everyone(OK),
    "portal-data": everyone(OK),
    "portal-download": everyone(OK),
    "api:public_indicator_list": everyone(OK),
    # Without its indicator and year: 422 naming them.
    "api:public_results": everyone(422),
    "api:public_unit_values": everyone(422),
    "computation-publish": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "computation-unpublish": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # Residents answer surveys without an account: the open link, the code page, the
    # thanks and the privacy notice are for everyone.
    "survey-answer": everyone(OK),
    "survey-code": everyone(OK),
    "survey-thanks": everyone(OK),
    "survey-privacy": everyone(OK),
    "login": {"anonymous": OK, **dict.fromkeys(LOGGED_IN, REDIRECT)},
    "logout": everyone(NOT_ALLOWED),
    "password_change": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "password_change_done": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "password_reset": everyone(OK),
    "password_reset_done": everyone(OK),
    # A valid link first redirects to the set-password form (the token leaves the URL).
    "password_reset_confirm": everyone(REDIRECT),
    "password_reset_complete": everyone(OK),
    "api-tokens": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "api-token-revoke": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # The register of units is public data: every account may browse it.
    "unit-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "unit-detail": UNIT_A,
    "group-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "group-detail": GROUP,
    # The group's board (a thread opened by participant A, with a file): its people, its
    # moderator and the office; only the author edits a post, the moderator deletes too.
    "board": GROUP,
    "board-thread-new": GROUP,
    "board-thread": GROUP,
    "board-thread-pin": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "board-attachment": GROUP,
    "board-post-edit": {**GROUP, "operator": DENIED, "moderator": DENIED, "participant_b": DENIED},
    "board-post-delete": {**GROUP, "participant_b": DENIED},
    "board-preference": members_only(dict.fromkeys(LOGGED_IN, OK)),
    # Gmina A's improvement plan, adopted and not private: the group reads it, its team
    # and the office change it (with a reason), the moderator reviewed it.
    "plan-list": GROUP,
    "plan-start": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "plan-detail": GROUP,
    "plan-step": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "plan-diagnosis": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "plan-action-add": {**GROUP, "moderator": DENIED, "participant_b": DENIED},
    "plan-action-edit": {**GROUP, "moderator": DENIED, "participant_b": DENIED},
    "plan-action-delete": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "plan-action-comment": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "plan-versions": GROUP,
    "plan-version": GROUP,
    # The plan's PDF: whoever reads the plan page (queued: its page follows the work).
    "plan-pdf": {**GROUP, **{r: REDIRECT for r, s in GROUP.items() if s == OK}},
    # Every plan of the group the reader may read, as on the list.
    "plan-list-xlsx": GROUP,
    # Year two: an action's progress reports and their files are read with the plan;
    # the group's overview of the plans is for its moderator and the office.
    "plan-progress": GROUP,
    "plan-progress-file": GROUP,
    "plan-overview": {**GROUP, "participant_a": DENIED, "participant_b": DENIED},
    # Good practices (tests/practices/walk.py): Gmina A's, published to the members,
    # read by everyone with a role in the programme; its team and the office change it;
    # an account without a role is answered as if it did not exist. Whoever acts for a
    # unit starts one; every step is a POST.
    "practice-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "practice-new": members_only(
        {**dict.fromkeys(LOGGED_IN, OK), "moderator": DENIED, "nobody": DENIED}
    ),
    "practice-review-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "practice-detail": members_only({**dict.fromkeys(LOGGED_IN, OK), "nobody": HIDDEN}),
    "practice-edit": members_only(
        {
            **dict.fromkeys(LOGGED_IN, DENIED),
            "operator": OK,
            "participant_a": OK,
            "nobody": HIDDEN,
        }
    ),
    "practice-step": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "practice-comment": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "practice-file-add": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "practice-file": members_only({**dict.fromkeys(LOGGED_IN, OK), "nobody": HIDDEN}),
    "practice-file-delete": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "practice-versions": members_only({**dict.fromkeys(LOGGED_IN, OK), "nobody": HIDDEN}),
    "practice-version": members_only({**dict.fromkeys(LOGGED_IN, OK), "nobody": HIDDEN}),
    "practice-from-action": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "practice-from-meeting": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # The portal: practices published to everyone, without an account; the walk's is
    # the members' and answers as one that does not exist, to everyone.
    "portal-practice-list": everyone(OK),
    "portal-practice-detail": everyone(NOT_FOUND),
    "portal-practice-file": everyone(NOT_FOUND),
    "api:public_practices": everyone(OK),
    "api:public_practice": everyone(NOT_FOUND),
    # Programmes and their settings (who may review data): operators only.
    "programme-list": OPERATOR_ONLY,
    "programme-create": OPERATOR_ONLY,
    "programme-edit": OPERATOR_ONLY,
    # A programme's report for its funders (page and .xlsx): the office only.
    "programme-report": OPERATOR_ONLY,
    "programme-report-xlsx": OPERATOR_ONLY,
    # Groups are created and edited by the office; the seat table is for everyone who
    # sees the group; the office and the group's moderator invite people into seats.
    "group-create": OPERATOR_ONLY,
    "group-edit": ROUND_OPERATOR_ONLY,
    "group-seats": GROUP,
    "seat-invite": {**GROUP, "participant_a": DENIED, "participant_b": DENIED},
    # The moderator's workspace: the group's moderator and the office; its participants
    # see the group but are refused the workspace.
    "group-workspace": {**GROUP, "participant_a": DENIED, "participant_b": DENIED},
    "seat-leave": {**GROUP, "participant_a": DENIED, "participant_b": DENIED},
    "seat-assign": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "seat-invitation-withdraw": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # An invitation for a new person: whoever is logged in is somebody else.
    "invitation-open": {"anonymous": OK, **dict.fromkeys(LOGGED_IN, DENIED)},
    "set_language": everyone(REDIRECT),
    "healthz": everyone(OK),
    "api:openapi-json": everyone(OK),
    "api:openapi-view": everyone(OK),
    "api:api-root": everyone(404),
    "api:me": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    "api:unit_list": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    # The register (codes, names, public statistics) is open to every account.
    "api:unit_detail": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    "api:group_list": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    "api:group_detail": {**GROUP, "anonymous": UNAUTHORISED},
    # Programmes: operators all; others those of their groups (the walk's programme
    # has no group, so only operators see it).
    "api:programme_list": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    "api:programme_detail": members_only(
        {**dict.fromkeys(LOGGED_IN, HIDDEN), "operator": OK}, anonymous=UNAUTHORISED
    ),
    "catalogue-index": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "catalogue-export": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "catalogue-import": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "catalogue-publish": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "formula-check": OPERATOR_ONLY,
    "indicator-create": OPERATOR_ONLY,
    "indicator-detail": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "indicator-edit": OPERATOR_ONLY,
    "variable-create": OPERATOR_ONLY,
    "variable-detail": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "variable-edit": OPERATOR_ONLY,
    "rule-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "rule-create": OPERATOR_ONLY,
    "rule-check": OPERATOR_ONLY,
    "rule-edit": OPERATOR_ONLY,
    "rule-delete": OPERATOR_ONLY,
    "indicator-set-detail": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "indicator-set-create": OPERATOR_ONLY,
    "indicator-set-edit": OPERATOR_ONLY,
    "indicator-set-members": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "domain-detail": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "domain-create": OPERATOR_ONLY,
    "domain-edit": OPERATOR_ONLY,
    "api:indicator_list": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    "api:indicator_detail": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    "api:token_revoke_current": everyone(NOT_ALLOWED),  # DELETE only
    "api:variable_list": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    "api:variable_detail": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    "api:rule_list": members_only(dict.fromkeys(LOGGED_IN, OK), anonymous=UNAUTHORISED),
    # A round's submissions: whoever sees the round, each those of their units; returning
    # and approving are POST only.
    "api:submission_list": {**GROUP, "anonymous": UNAUTHORISED},
    "api:submission_approve_api": everyone(NOT_ALLOWED),
    "api:submission_return_api": everyone(NOT_ALLOWED),
    # Data collection: a round of units A and B (the group's units); participants see
    # the rounds of their units, enter their own unit's data; the moderator reads it.
    "round-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "round-create": OPERATOR_ONLY,
    "round-detail": GROUP,
    "round-open": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # Closing asks first (the page names the forms still open); reopening asks why, and
    # of a round that is open (as here) leads back to the round.
    "round-close": ROUND_OPERATOR_ONLY,
    "round-reopen": {**ROUND_OPERATOR_ONLY, "operator": REDIRECT},
    # Switching internal sign-off: the operator's page says what a change would do.
    "round-signoff-edit": ROUND_OPERATOR_ONLY,
    "round-remind": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # The round's indicators: everyone who sees the round, each the rows of their units.
    "round-results": GROUP,
    "submission-form": UNIT_A,
    "unit-results": UNIT_A,
    "computations": OPERATOR_ONLY,
    "efficiency-models": OPERATOR_ONLY,
    "efficiency-model": OPERATOR_ONLY,
    "efficiency-model-delete": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "unit-efficiency": UNIT_A,
    "unit-indicator": UNIT_A,
    "unit-domain-profile": UNIT_A,
    # Downloads: as the pages they come from. A PDF is queued and the link leads to its
    # page (the documents' page and file: the person who asked alone; to anyone else
    # they answer as a document that does not exist).
    "unit-report-pdf": {**UNIT_A, **{r: REDIRECT for r, s in UNIT_A.items() if s == OK}},
    "document": members_only({**dict.fromkeys(LOGGED_IN, NOT_FOUND), "participant_a": OK}),
    "document-file": members_only({**dict.fromkeys(LOGGED_IN, NOT_FOUND), "participant_a": OK}),
    "unit-results-xlsx": UNIT_A,
    "unit-results-csv": UNIT_A,
    "unit-indicator-xlsx": UNIT_A,
    "unit-indicator-csv": UNIT_A,
    "unit-domain-xlsx": UNIT_A,
    "unit-domain-csv": UNIT_A,
    "unit-efficiency-xlsx": UNIT_A,
    "unit-efficiency-csv": UNIT_A,
    "group-report-pdf": {**GROUP, **{r: REDIRECT for r, s in GROUP.items() if s == OK}},
    "group-meeting-pack-pdf": {**GROUP, **{r: REDIRECT for r, s in GROUP.items() if s == OK}},
    "meeting-pack-pdf": {**GROUP, **{r: REDIRECT for r, s in GROUP.items() if s == OK}},
    "submission-submit": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "submission-check": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "submission-signoff": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "submission-signoff-confirm": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "submission-signoff-send-back": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # Reviewing: the office (and a group's moderator where the programme allows it: not
    # here); those who see unit A's form are refused, others see no such form.
    "submission-return": {
        **UNIT_A,
        "operator": OK,
        "moderator": DENIED,
        "participant_a": DENIED,
    },
    "submission-approve": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "submission-reopen": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "submission-history": UNIT_A,
    "value-history": UNIT_A,
    "value-restore": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # The Excel and CSV round trip: whoever reads a unit's data downloads its template;
    # whoever enters it uploads; the round workbook is the operator's; an import's page
    # is for the person who uploaded the file (participant A here) and operators.
    "values-template": UNIT_A,
    # The moderator sees unit A's data but does not enter it.
    "values-upload": members_only(
        {
            **dict.fromkeys(LOGGED_IN, HIDDEN),
            "operator": OK,
            "participant_a": OK,
            "moderator": DENIED,
        }
    ),
    "round-workbook": ROUND_OPERATOR_ONLY,
    "round-values-csv": ROUND_OPERATOR_ONLY,
    "round-upload": ROUND_OPERATOR_ONLY,
    "import-job": members_only(
        {**dict.fromkeys(LOGGED_IN, HIDDEN), "operator": OK, "participant_a": OK}
    ),
    "notification-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "notification-read": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "notifications-read-all": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "notification-preferences": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "introduction-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    # Unit A's request to meet unit B: unit B's team does not learn of it.
    "introduction-detail": members_only(
        {**dict.fromkeys(LOGGED_IN, HIDDEN), "operator": OK, "moderator": OK, "participant_a": OK}
    ),
    "introduction-new": {**UNIT_A, "moderator": DENIED},
    # A unit's organisational forms of delivery: whoever sees the unit reads them; its
    # people, its groups' moderator and the office record them (the same people here).
    "unit-delivery": UNIT_A,
    "unit-delivery-edit": UNIT_A,
    "api:unit_delivery_forms": {**UNIT_A, "anonymous": UNAUTHORISED},
    # A group's meetings (planned already): its people read them, its moderator and the
    # office change them; the calendar feed answers its secret address, without a login.
    "meeting-list": GROUP,
    "meeting-plan": {**MEETINGS_CHANGE, "operator": REDIRECT, "moderator": REDIRECT},
    "meeting-detail": GROUP,
    "meeting-edit": MEETINGS_CHANGE,
    "meeting-attendance": MEETINGS_CHANGE,
    "meeting-minutes": MEETINGS_CHANGE,
    "meeting-action-add": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "meeting-action-status": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "meeting-attachment-add": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "meeting-attachment": GROUP,
    "meeting-invite": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "meeting-calendar": GROUP,
    "calendar-feed": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "calendar-feed-ics": everyone(OK),
    "api:meeting_list": {**GROUP, "anonymous": UNAUTHORISED},
    # A unit's own results (52f697c): its people, its groups' moderator and the office.
    "api:unit_results_api": {**UNIT_A, "anonymous": UNAUTHORISED},
    # A group's improvement plans (each filtered as the plan list filters them).
    "api:group_plans": {**GROUP, "anonymous": UNAUTHORISED},
    # The same address as the list: a GET there reads the meetings.
    "api:meeting_post": {**GROUP, "anonymous": UNAUTHORISED},
    "api:meeting_patch": everyone(NOT_ALLOWED),  # PATCH only
    "api:meeting_attendance_put": everyone(NOT_ALLOWED),  # PUT only
    "api:meeting_minutes_put": everyone(NOT_ALLOWED),  # PUT only
    "api:meeting_minutes_approve": everyone(NOT_ALLOWED),  # POST only
    "api:meeting_minutes_publish": everyone(NOT_ALLOWED),  # POST only
    # Questionnaires and surveys (tests/surveys/office_walk.py): the office alone sets
    # them up and runs them; residents answer at /s/ without an account.
    "questionnaire-list": OPERATOR_ONLY,
    "questionnaire-create": OPERATOR_ONLY,
    # The questionnaire's page shows its latest version.
    "questionnaire-detail": {**OPERATOR_ONLY, "operator": REDIRECT},
    "questionnaire-version": OPERATOR_ONLY,
    "questionnaire-version-new": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "questionnaire-publish": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "questionnaire-intro": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "question-add": OPERATOR_ONLY,
    "question-edit": OPERATOR_ONLY,
    "question-move": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "question-delete": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "survey-list": OPERATOR_ONLY,
    "survey-create": OPERATOR_ONLY,
    "survey-detail": OPERATOR_ONLY,
    "survey-edit": OPERATOR_ONLY,
    "survey-open": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "survey-close": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "survey-unit": OPERATOR_ONLY,
    "survey-unit-qr": OPERATOR_ONLY,
    "survey-codes-create": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "survey-codes-csv": OPERATOR_ONLY,
    "survey-paper-entry": OPERATOR_ONLY,
    "survey-import": OPERATOR_ONLY,
    # The mapping screen of an uploaded file: the walk's key names no upload.
    "survey-import-map": {**OPERATOR_ONLY, "operator": NOT_FOUND},
    # Letters and the paper questionnaire: PDFs queued for the office (their page follows).
    "survey-letters-pdf": {**OPERATOR_ONLY, "operator": REDIRECT},
    "survey-paper-pdf": {**OPERATOR_ONLY, "operator": REDIRECT},
    # Survey results (tests/surveys/test_results_pages.py): a unit's for its team, its
    # group's moderator and the office; its open answers for its team and the office;
    # the comparison for whoever reads one of the survey's units.
    "survey-results-list": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "survey-comparison": GROUP,
    "survey-results": UNIT_A,
    "survey-trend": UNIT_A,
    "survey-open-answers": {**UNIT_A, "moderator": DENIED},
    # The population the answers are weighted to: entered by the office.
    "survey-population": {**UNIT_A, "moderator": DENIED, "participant_a": DENIED},
    # PDFs queued for whoever reads the page (the document's page follows).
    "survey-results-pdf": {
        **UNIT_A,
        "operator": REDIRECT,
        "moderator": REDIRECT,
        "participant_a": REDIRECT,
    },
    "survey-comparison-pdf": {
        **GROUP,
        **dict.fromkeys(["operator", "moderator", "participant_a", "participant_b"], REDIRECT),
    },
    # Competencies, the scheme and the learning suggestions (tests/competencies/walk_office.py).
    # Every account reads the scheme in force; a draft of a new version (the walk's
    # scheme_id) is the office's alone, hidden from everyone else with its pages.
    "competency-scheme": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "competency-scheme-version": SCHEME_DRAFT,
    "competency-scheme-copy": SCHEME_DRAFT,
    "competency-scheme-edit": SCHEME_DRAFT,
    "competency-scheme-publish": SCHEME_DRAFT,
    "competency-scheme-add": SCHEME_DRAFT,
    "competency-scheme-competency": SCHEME_DRAFT,
    "competency-scheme-remove": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "competency-suggestions": OPERATOR_ONLY,
    "competency-suggestion-add": OPERATOR_ONLY,
    "competency-suggestion-edit": OPERATOR_ONLY,
    "competency-suggestion-delete": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # Competencies, a person's assessments, profile and goals (tests/competencies/walk_assess.py).
    # Every account opens "My competencies" (someone without a seat is told so); an
    # assessment, a profile and goals are their person's own: hidden from everyone else
    # (the office reads an assessment only where the programme said so at its start).
    "competency-home": members_only(dict.fromkeys(LOGGED_IN, OK)),
    "competency-start": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "competency-assessment": members_only(
        {**dict.fromkeys(LOGGED_IN, HIDDEN), "participant_a": OK}
    ),
    "competency-profile": members_only({**dict.fromkeys(LOGGED_IN, HIDDEN), "participant_a": OK}),
    "competency-goal-add": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    "competency-goal-edit": members_only(dict.fromkeys(LOGGED_IN, NOT_ALLOWED)),
    # Competencies, aggregates, trainings, exports (tests/competencies/walk_training.py).
    # The office's pages of a programme (aggregates, PDF and xlsx, trainings, attendance):
    # refused to everyone else before any programme is looked up.
    "competency-programme": OPERATOR_ONLY,
    "competency-programme-xlsx": OPERATOR_ONLY,
    "competency-programme-pdf": OPERATOR_ONLY,
    "competency-trainings": OPERATOR_ONLY,
    "competency-training-create": OPERATOR_ONLY,
    "competency-training-edit": OPERATOR_ONLY,
    "competency-training-attendance": OPERATOR_ONLY,
    # A group's aggregates: its moderator and the office; its members see the group but
    # are refused (in a small group they could tell one another apart).
    "competency-group": {**GROUP, "participant_a": DENIED, "participant_b": DENIED},
    # The API's summary: the office; the walk's programme has no group, so it is hidden
    # from everyone else.
    "api:programme_competency_summary": members_only(
        {**dict.fromkeys(LOGGED_IN, HIDDEN), "operator": OK}, anonymous=UNAUTHORISED
    ),
}


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern)


ALL_URLS = list(_walk(get_resolver().url_patterns))


def _parameters(programme, group) -> dict[str, str]:
    """Values for every URL parameter, naming real objects of the programme."""
    user = programme["participant_a"]
    token, _key = api_token_create(user=user, name="walk")
    # Logging in changes a password-reset token, so the link is for someone who does not.
    forgetful = make_user("zapominalski@example.org", "Zenon Zapominalski")
    operator = programme["operator"]
    catalogue_import(text=SMALL_YAML, user=operator)
    catalogue_publish(user=operator)
    rule_create(
        user=operator, code="EDU_CHECK", left="PUPILS", operator="<=", right="POP", message_pl="x"
    )
    round_ = round_open(
        round_=round_create(
            user=operator,
            name="Oświata 2024",
            period=2024,
            indicator_sets=IndicatorSet.objects.filter(code="SET_EDU"),
            units=list(group.units.all()),
            deadline=datetime.date(2025, 3, 31),
        ),
        user=operator,
    )
    submission = Submission.objects.get(round=round_, unit__memberships__user=user)
    save = submission_save(
        submission=submission,
        user=user,
        entries={"EDU_EXP": ("1 000", None)},
        base_revisions={},
    )
    _results_of(submission.unit, operator, group)
    holding = seat_fill(
        group=group, unit=submission.unit, level=Level.STRATEGIC, user=user, by=operator
    )
    invitation, key = invitation_create(
        group=group,
        unit=submission.unit,
        level=Level.MIDDLE,
        email="nowa@example.org",
        by=operator,
    )
    meeting, item, attachment = _meeting_of(group)
    return {
        "number": str(meeting.number),
        "item_id": str(item.pk),
        "attachment_id": str(attachment.pk),
        "feed_token": calendar_feed_renew(user=user).token,
        "teryt": user.unit_memberships.get().unit.teryt,
        "group_id": str(group.pk),
        "token_id": str(token.pk),
        "uidb64": urlsafe_base64_encode(force_bytes(forgetful.pk)),
        "token": default_token_generator.make_token(forgetful),
        "app_label": "accounts",
        "url": "no-such-admin-page/",  # the admin's catch-all
        "indicator_code": "EDU_COST_PUPIL",
        "variable_code": "PUPILS",
        "rule_code": "EDU_CHECK",
        "set_code": "SET_EDU",
        "domain_code": "EDU",
        "round_id": str(round_.pk),
        "code": "EDU_EXP",
        "change_id": str(ValueChange.objects.get(value__variable__code=save.changed[0]).pk),
        "model_code": "edu",
        "document_id": str(_document_of(user, submission.unit).pk),
        "programme_id": str(
            programme_create(name="Doskonalenie", first_year=2026, last_year=2027).pk
        ),
        "notification_id": str(
            Notification.objects.create(recipient=user, kind="results_new", params={}).pk
        ),
        "request_id": str(
            IntroductionRequest.objects.create(
                unit=submission.unit,
                target=group.units.exclude(pk=submission.unit.pk).get(),
                requested_by=user,
                shown_as="B",
            ).pk
        ),
        "holding_id": str(holding.pk),
        "invitation_id": str(invitation.pk),
        "key": key,
        "job_id": str(
            ImportJob.objects.create(
                round=round_, unit=submission.unit, created_by=user, file_name="a.xlsx", path=""
            ).pk
        ),
        **board_parameters(group, user),
        **plans_parameters(group, submission.unit, user, programme["moderator"]),
        **practices_parameters(submission.unit, user, programme["moderator"]),
        **surveys_parameters(group, operator),
        **public_survey_parameters(submission.unit),
        **public_parameters(operator),
        **competencies_office_parameters(operator),
        **competencies_assess_parameters(group, user),
        **competencies_training_parameters(group, operator),
    }


@pytest.fixture(autouse=True)
def _documents_in_a_temporary_folder(settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    settings.MEDIA_ROOT = tmp_path / "media"


def _meeting_of(group):
    """The group's cycle planned, with an action item and a file of its first meeting."""
    moderator = group.moderator
    meeting = meetings_plan(group=group, by=moderator, rows=plan_proposal(group))[0]
    item = action_add(meeting=meeting, by=moderator, kind="decision", text="Ankieta")
    attachment = attachment_add(
        meeting=meeting,
        by=moderator,
        kind="material",
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n"),
    )
    return meeting, item, attachment


def _document_of(user, unit) -> Document:
    """A finished PDF of the unit's report, asked for by ``user``, in the site's
    documents folder (a document is read from there, by name)."""
    folder = Path(settings.DOCUMENTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf", dir=folder, delete=False) as handle:
        handle.write(b"%PDF-1.7\n")
    return Document.objects.create(
        kind="unit", unit=unit, requested_by=user, state="done", path=handle.name, file_name="a.pdf"
    )


def _results_of(unit, operator, group) -> None:
    """A finished computation with one result of the unit, for the results pages and
    the group's reports."""
    computation = Computation.objects.create(
        state=ComputationState.DONE,
        requested_by=operator,
        finished_at=timezone.now(),
        catalogue={"EDU_COST_PUPIL": 1},
        first_period=2024,
        last_period=2024,
    )
    indicator = Indicator.objects.get(code="EDU_COST_PUPIL")
    Result.objects.create(
        computation=computation, unit=unit, indicator=indicator, period=2024, value=1.0
    )
    everyone = ComparisonGroup.objects.create(computation=computation, kind="all", key="all")
    everyone.members.add(unit)
    exchange = ComparisonGroup.objects.create(
        computation=computation, kind="exchange", key=str(group.pk), exchange_group=group
    )
    exchange.members.add(unit)
    GroupStat.objects.create(
        group=exchange, indicator=indicator, period=2024, n=1, median=1.0, values=b""
    )
    model = EfficiencyModel.objects.create(
        code="edu", name_pl="Oświata", inputs=["EDU_EXP"], outputs=["EDU_COST_PUPIL"]
    )
    # The unit has the model's data (a unit without them is not offered the model).
    EfficiencyScore.objects.create(
        computation=computation, model=model, unit=unit, period=2024, score=1.0, efficient=True
    )


def _fill(name: str, route: str, parameters: dict[str, str]) -> str | None:
    """A concrete path for a route; None where no object exists to name."""
    values = dict(parameters)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.replace("^", "").replace("$", ""))
    if name.startswith("admin:"):
        if "content_type_id" in route:
            return None  # "view on site" redirects need a model with a public URL
        if "object_id>" in route or "<id>" in route:
            _admin, app_label, model_name, *_rest = route.split("/")
            instance = apps.get_model(app_label, model_name).objects.first()
            if instance is None:
                return None
            values["object_id"] = values["id"] = str(instance.pk)
    path = route
    for key, value in values.items():
        for converter in ("", "str:", "int:", "path:"):
            path = path.replace(f"<{converter}{key}>", value)
    assert "<" not in path, f"no value to fill in {route}"
    return "/" + path


def test_every_url_has_an_expectation():
    names = {name for name, _route in ALL_URLS if not name.startswith("admin:")}
    assert names == set(EXPECTED), (
        f"URLs without expectations: {sorted(names - set(EXPECTED))}; "
        f"expectations without URLs: {sorted(set(EXPECTED) - names)}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_url_as_every_role(role, programme, group):
    user = None if role == "anonymous" else programme[role]
    failures = []
    parameters = _parameters(programme, group)
    for name, route in ALL_URLS:
        path = _fill(name, route, parameters)
        if path is None:
            continue
        client = client_for(user)  # a fresh client: one page's side effects do not leak
        response = client.get(path)
        status = response.status_code
        assert status < 500, f"{path} gave {status} to {role}"
        if name.startswith("admin:"):
            to_login = status == 302 and "/admin/login/" in response["Location"]
            if role == "operator":
                # 403 here is the admin refusing an action on the model itself (axes
                # logs cannot be added by hand), not the operator being kept out.
                if to_login and name != "admin:login":
                    failures.append(f"{path}: operator kept out ({status})")
            elif name == "admin:logout":
                if status not in (302, 405):
                    failures.append(f"{path}: {role} got {status}")
            elif name != "admin:login" and not to_login:
                failures.append(f"{path}: {role} let into the admin ({status})")
            continue
        expected = EXPECTED[name][role]
        if expected == LOGIN:
            if not (status == 302 and response["Location"].startswith("/accounts/login/")):
                failures.append(f"{path}: {role} expected login redirect, got {status}")
        elif status != expected:
            failures.append(f"{path}: {role} expected {expected}, got {status}")
    assert not failures, "\n".join(failures)


# Values that name nothing: the pages answer for them as for objects the user may not see.
_ABSENT = {
    "teryt": "0000001",
    "group_id": "987651",
    "round_id": "987652",
    "job_id": "987653",
    "request_id": "987654",
    "plan_id": "987655",
    "practice_id": "987656",
}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"csrfToken": "[^"]*"')


def _answer(response, parameters: dict[str, str]) -> str:
    """The page's text, with the values of ``_ABSENT`` written as ``parameters``' ones."""
    text = _CSRF.sub("csrf", response.content.decode())
    for key, value in _ABSENT.items():
        text = text.replace(value, parameters[key])
    return text


@pytest.mark.parametrize("role", ["participant_b", "stranger", "nobody"])
def test_objects_a_user_may_not_see_answer_as_missing_ones(role, programme, group):
    """No existence oracle: a page of an object one may not open answers exactly as the
    same page of an object that does not exist."""
    user = programme[role]
    parameters = _parameters(programme, group)
    absent = {**parameters, **_ABSENT}
    compared = []
    for name, route in ALL_URLS:
        if name.startswith("admin:") or EXPECTED[name][role] != HIDDEN:
            continue
        hidden = client_for(user).get(_fill(name, route, parameters))
        missing = client_for(user).get(_fill(name, route, absent))
        assert hidden.status_code == missing.status_code == 404, name
        assert _answer(hidden, parameters) == _answer(missing, parameters), name
        compared.append(name)
    assert {"unit-detail", "group-detail", "round-detail", "api:group_detail"} & set(compared)
