"""The office sets surveys up and runs them: dates in order, units from the register or
a group, opening and closing with history, edits that never overwrite each other."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchlearn.surveys.editing import version_new, version_publish
from benchlearn.surveys.models import Response, Survey, SurveyEvent, SurveyState
from benchlearn.surveys.running import codes_create
from tests.conftest import client_for
from tests.surveys.office_walk import questionnaire_of, survey_of


@pytest.fixture
def version(operator):
    return questionnaire_of(operator)


@pytest.fixture
def survey(version, unit_a, unit_b, operator):
    return survey_of(version, [unit_a, unit_b], operator)


def _post(version, **change):
    return {
        "name": "Odpady 2027",
        "questionnaire_version": str(version.pk),
        "period": "2027",
        "modes": ["open", "paper"],
        "opens_on": "2027-03-01",
        "closes_on": "2027-03-31",
        "target_responses": "200",
        "min_responses": "100",
        "units": "",
        **change,
    }


def _token(survey) -> str:
    top = SurveyEvent.objects.filter(survey=survey).order_by("-pk").first()
    return str(top.pk if top else 0)


def test_a_survey_is_created_with_the_units_of_a_group_and_typed_ones(
    version, group, unit_c, operator
):
    client = client_for(operator)
    response = client.post("/surveys/new/", _post(version, units=unit_c.teryt, group=str(group.pk)))
    assert response.status_code == 302
    survey = Survey.objects.get(name="Odpady 2027")
    assert set(survey.units.values_list("pk", flat=True)) == {
        *group.units.values_list("pk", flat=True),
        unit_c.pk,
    }
    assert survey.target_responses == 200 and survey.modes == ["open", "paper"]
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert unit_c.name in page and "created" in page
    assert "Odpady 2027" in client.get("/surveys/").content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_on": "2027-02-01"}, "closing date is before the opening date"),
        ({"units": "9999999"}, "No unit with TERYT code: 9999999"),
        ({}, "Choose at least one unit"),
        ({"modes": []}, "This field is required"),
        ({"min_responses": "0"}, "greater than or equal to 1"),
        ({"weight_cap": "1"}, "must be more than 1 and at most 10"),
        ({"weight_cap": "0.5"}, "must be more than 1 and at most 10"),
        ({"weight_cap": "-3"}, "must be more than 1 and at most 10"),
        ({"weight_cap": "1000"}, "must be more than 1 and at most 10"),
        ({"weight_cap": "five"}, "Enter a number"),
        ({"weight_cap": "inf"}, "Enter a number"),
    ],
)
def test_bad_surveys_are_refused_with_a_reason_and_nothing_is_stored(
    change, message, version, unit_a, operator
):
    units = {"units": unit_a.teryt} if change and "units" not in change else {}
    response = client_for(operator).post("/surveys/new/", _post(version, **units, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("role", ["moderator", "participant_a", "stranger"])
def test_everyone_but_the_office_is_refused(role, programme, survey):
    client = client_for(programme[role])
    for path in (
        "/surveys/",
        "/surveys/new/",
        f"/surveys/{survey.pk}/",
        f"/surveys/{survey.pk}/edit/",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/surveys/{survey.pk}/open/").status_code == 403
    survey.refresh_from_db()
    assert survey.state == SurveyState.DRAFT


def test_opening_and_closing_are_recorded(survey, operator):
    client = client_for(operator)
    assert (
        client.post(f"/surveys/{survey.pk}/open/", {"base_token": _token(survey)}).status_code
        == 302
    )
    survey.refresh_from_db()
    assert survey.state == SurveyState.OPEN
    assert (
        client.post(f"/surveys/{survey.pk}/close/", {"base_token": _token(survey)}).status_code
        == 302
    )
    survey.refresh_from_db()
    assert survey.state == SurveyState.CLOSED
    kinds = list(SurveyEvent.objects.filter(survey=survey).values_list("kind", "by"))
    assert kinds == [("created", operator.pk), ("opened", operator.pk), ("closed", operator.pk)]
    # Closed: not edited any more.
    edit = client.post(
        f"/surveys/{survey.pk}/edit/",
        _post(
            survey.questionnaire_version,
            units=survey.units.first().teryt,
            base_token=_token(survey),
        ),
    )
    assert edit.status_code == 400 and "closed" in edit.content.decode()


def test_two_people_editing_a_survey_never_overwrite_each_other(survey, unit_a, operator):
    client = client_for(operator)
    opened = _token(survey)
    url = f"/surveys/{survey.pk}/edit/"
    first = client.post(
        url,
        _post(survey.questionnaire_version, name="Pierwsza", units=unit_a.teryt, base_token=opened),
    )
    assert first.status_code == 302
    second = client.post(
        url,
        _post(survey.questionnaire_version, name="Druga", units=unit_a.teryt, base_token=opened),
    )
    assert second.status_code == 409
    assert "someone else changed this" in second.content.decode()
    survey.refresh_from_db()
    assert survey.name == "Pierwsza"
    # A step sent from a page opened before the edit is refused too.
    assert client.post(f"/surveys/{survey.pk}/open/", {"base_token": opened}).status_code == 409
    survey.refresh_from_db()
    assert survey.state == SurveyState.DRAFT


def test_the_lists_take_as_many_queries_for_many_surveys_as_for_one(
    version, unit_a, unit_b, operator
):
    client = client_for(operator)
    survey_of(version, [unit_a], operator)

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    one = queries("/surveys/"), queries("/surveys/questionnaires/")
    for n in range(3):
        survey_of(version, [unit_a, unit_b], operator, name=f"Badanie {n}")
    assert (queries("/surveys/"), queries("/surveys/questionnaires/")) == one


def test_a_survey_in_use_keeps_its_version_and_its_units_with_codes(
    survey, version, unit_a, unit_b, operator
):
    codes_create(survey=survey, unit=unit_a, count=2, by=operator)
    client = client_for(operator)
    url = f"/surveys/{survey.pk}/edit/"
    dropped = client.post(url, _post(version, units=unit_b.teryt, base_token=_token(survey)))
    assert dropped.status_code == 400
    assert f"stay in the survey: {unit_a.name}" in dropped.content.decode()
    assert survey.units.filter(pk=unit_a.pk).exists()

    Response.objects.create(survey=survey, unit=unit_a, mode="open", answers={})
    newer = version_new(questionnaire=version.questionnaire, by=operator, base_token=None)
    newer = version_publish(version=newer, by=operator, base_token=None)
    changed = client.post(
        url,
        _post(newer, units=f"{unit_a.teryt} {unit_b.teryt}", base_token=_token(survey)),
    )
    assert changed.status_code == 400
    assert "its questionnaire version cannot change" in changed.content.decode()
    survey.refresh_from_db()
    assert survey.questionnaire_version_id == version.pk and survey.name == "Odpady 2026"


def test_units_found_by_name_are_ticked_into_the_survey(version, unit_a, unit_b, operator):
    client = client_for(operator)
    found = client.post("/surveys/new/", _post(version, find="1", unit_search=unit_b.name[:5]))
    assert found.status_code == 200
    assert f'value="{unit_b.teryt}"' in found.content.decode()
    assert not Survey.objects.exists()  # searching saves nothing
    saved = client.post(
        "/surveys/new/", _post(version, units=unit_a.teryt, add_units=[unit_b.teryt])
    )
    assert saved.status_code == 302
    assert set(Survey.objects.get().units.all()) == {unit_a, unit_b}


def test_the_cap_on_the_weights_is_set_shown_and_recorded(survey, unit_a, operator):
    client = client_for(operator)
    url = f"/surveys/{survey.pk}/edit/"
    assert "Trimming of extreme weights" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"  # typed the Polish way
    saved = client.post(
        url,
        _post(
            survey.questionnaire_version,
            units=unit_a.teryt,
            weight_cap="2,5",
            base_token=_token(survey),
        ),
    )
    assert saved.status_code == 302
    survey.refresh_from_db()
    assert survey.weight_cap == 2.5
    assert "2,5 × średniej wagi" in client.get(f"/surveys/{survey.pk}/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "at 2.5 × the mean weight" in page
    assert SurveyEvent.objects.filter(survey=survey, new__weight_cap=2.5).exists()
    # Emptied: no trimming.
    cleared = client.post(
        url,
        _post(survey.questionnaire_version, units=unit_a.teryt, base_token=_token(survey)),
    )
    assert cleared.status_code == 302
    survey.refresh_from_db()
    assert survey.weight_cap is None


def test_a_bad_cap_on_an_existing_survey_changes_nothing(survey, unit_a, operator):
    Survey.objects.filter(pk=survey.pk).update(weight_cap=4)
    events = SurveyEvent.objects.count()
    refused = client_for(operator).post(
        f"/surveys/{survey.pk}/edit/",
        _post(
            survey.questionnaire_version,
            name="Inna",
            units=unit_a.teryt,
            weight_cap="1",
            base_token=_token(survey),
        ),
    )
    assert refused.status_code == 400
    assert "must be more than 1 and at most 10" in refused.content.decode()
    survey.refresh_from_db()
    assert (survey.weight_cap, survey.name) == (4, "Odpady 2026")
    assert SurveyEvent.objects.count() == events


def _programme_form(programme, **changes):
    from benchlearn.groups.services import edit_token

    return {
        "name": programme.name,
        "first_year": str(programme.first_year),
        "last_year": str(programme.last_year),
        "min_group_size": "3",
        "base_token": edit_token(programme.updated_at),
        **changes,
    }


def test_the_programme_sets_the_minimum_of_responses_its_surveys_start_with(
    version, unit_a, operator
):
    from benchlearn.groups.services import programme_create

    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    assert programme.survey_min_responses == 100
    client = client_for(operator)
    response = client.post(
        f"/groups/programmes/{programme.pk}/",
        _programme_form(programme, survey_min_responses="60"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.survey_min_responses == 60
    assert programme.changes.get(kind="updated").changes["survey_min_responses"] == [100, 60]
    # A survey of the programme left without its own minimum takes the programme's; one
    # typed on the survey is kept; without a programme, the default.
    for name, change, expected in [
        ("Programu", {"programme": str(programme.pk), "min_responses": ""}, 60),
        ("Własne", {"programme": str(programme.pk), "min_responses": "150"}, 150),
        ("Bez programu", {"min_responses": ""}, 100),
    ]:
        posted = client.post(
            "/surveys/new/", _post(version, name=name, units=unit_a.teryt, **change)
        )
        assert posted.status_code == 302, posted.content.decode()[:2000]
        assert Survey.objects.get(name=name).min_responses == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "The minimum number of survey responses is a whole number, at least 1."),
        ("-5", "greater than or equal to 0"),
        ("many", "Enter a whole number"),
    ],
)
def test_a_bad_minimum_of_responses_for_the_programme_is_refused_and_nothing_stored(
    value, message, operator
):
    from benchlearn.groups.services import programme_create

    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    response = client_for(operator).post(
        f"/groups/programmes/{programme.pk}/",
        _programme_form(programme, survey_min_responses=value),
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    programme.refresh_from_db()
    assert programme.survey_min_responses == 100
    assert not programme.changes.filter(kind="updated").exists()
