"""The survey results pages: a unit's figures and flags, its open answers for its team
and the office only, the comparison with intervals drawn (units below the minimum left
out), change over time."""

import pytest

from tests.conftest import client_for
from tests.surveys.results_setup import (
    answer,
    answer_many,
    catalogue,
    collection_round,
    open_survey,
    waste_questionnaire,
)


@pytest.fixture
def survey(operator, unit_a, unit_b):
    catalogue(operator)
    version = waste_questionnaire(operator)
    survey = open_survey(version, [unit_a, unit_b], operator, minimum=3)
    answer_many(survey, unit_a, operator, ["5", "4", "2"], Q1="9")
    answer(survey, unit_a, operator, OVERALL="5", OPEN="Częściej odbierać szkło")
    answer_many(survey, unit_b, operator, ["1", "2"])  # below the minimum of 3
    return survey


def test_a_unit_reads_its_figures_and_intervals(survey, unit_a, participant_a):
    page = client_for(participant_a).get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/")
    assert page.status_code == 200
    text = page.content.decode()
    # 3 of 4 satisfied: 75.0 %, Wilson 30.1–95.4.
    assert "75.0" in text and "30.1–95.4" in text
    assert "provisional" in text and "Too few responses" not in text
    assert "Open answers" in text


def test_below_the_minimum_the_unit_is_flagged_and_not_compared(survey, unit_b, participant_b):
    client = client_for(participant_b)
    page = client.get(f"/surveys/{survey.pk}/results/{unit_b.teryt}/").content.decode()
    assert "Too few responses: 2 of the 3 needed" in page
    comparison = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "1 unit had fewer and is not shown" in comparison
    assert "data-chart" in comparison and "Data table" in comparison


@pytest.mark.parametrize(
    ("role", "status"),
    [("participant_a", 200), ("operator", 200), ("moderator", 403), ("participant_b", 404)],
)
def test_open_answers_are_for_the_unit_and_the_office_only(survey, unit_a, programme, role, status):
    page = client_for(programme[role]).get(
        f"/surveys/{survey.pk}/results/{unit_a.teryt}/open-answers/"
    )
    assert page.status_code == status
    if status == 200:
        assert "Częściej odbierać szkło" in page.content.decode()
    unit_page = client_for(programme[role]).get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/")
    assert "Częściej odbierać szkło" not in unit_page.content.decode()


def test_the_moderator_reads_the_unit_but_not_its_open_answers(survey, unit_a, group, moderator):
    page = client_for(moderator).get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/")
    assert page.status_code == 200 and "Open answers" not in page.content.decode()


def test_a_stranger_sees_nothing(survey, unit_a, stranger):
    client = client_for(stranger)
    assert client.get(f"/surveys/{survey.pk}/results/").status_code == 404
    assert client.get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/").status_code == 404
    assert survey.name not in client.get("/surveys/results/").content.decode()


def test_change_over_time_shows_earlier_surveys_of_the_questionnaire(
    survey, unit_a, operator, participant_a
):
    from benchlearn.surveys.running import survey_close

    collection_round(operator, [unit_a, survey.units.exclude(pk=unit_a.pk).get()], period=2025)
    earlier = open_survey(survey.questionnaire_version, [unit_a], operator, period=2025, minimum=1)
    answer_many(earlier, unit_a, operator, ["5", "1"])
    survey_close(survey=earlier, by=operator)
    page = client_for(participant_a).get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/trend/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "2025" in text and "50.0" in text and "75.0" in text


def test_the_office_enters_the_population_and_the_results_are_weighted(
    survey, unit_a, operator, participant_a
):
    url = f"/surveys/{survey.pk}/results/{unit_a.teryt}/population/"
    counts = {
        "year": "2026",
        "POP_F_18PLUS": "520",
        "POP_M_18PLUS": "480",
        **dict.fromkeys(
            ["POP_18_24", "POP_25_34", "POP_35_44", "POP_45_54", "POP_55_64", "POP_65PLUS"], "100"
        ),
    }
    client = client_for(operator)
    bad = client.post(url, {**counts, "POP_18_24": "-1"})
    assert bad.status_code == 400 and "Nothing was saved" in bad.content.decode()
    assert client.post(url, counts).status_code == 302
    page = client.get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/").content.decode()
    # Nobody gave a sex or age band: raking cannot place anyone, said on the page.
    assert "no respondent gave both sex and age band" in page
    assert client_for(participant_a).post(url, counts).status_code == 403


def test_the_page_gives_the_trimming_the_design_effect_and_who_was_not_weighted(
    survey, unit_a, operator, participant_a
):
    from benchlearn.surveys.models import Survey
    from tests.surveys.results_setup import even_margins

    even_margins(unit_a, operator)
    # Unit A so far: four answers without sex or age band; three women and a man 18–24.
    for value in ["5", "5", "1"]:
        answer(survey, unit_a, operator, OVERALL=value, SEX="F", AGE="18-24")
    answer(survey, unit_a, operator, OVERALL="4", SEX="M", AGE="18-24")
    Survey.objects.filter(pk=survey.pk).update(weight_cap=2.5)
    client = client_for(participant_a)
    page = client.get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/").content.decode()
    assert "Design effect of the weights" in page
    # The man weighs 2 of the 4 raked (mean 1 over all eight): under the cap of 2.5.
    assert "Weights trimmed at 2.5 × the unit's mean weight (the largest is 2.00" in page
    assert "4 respondents could not be weighted (no sex or age band given)" in page
    comparison = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert "Weights trimmed at 2.5 × each unit" in comparison


def test_the_office_moves_between_the_survey_and_its_results(survey, unit_a, unit_b, operator):
    client = client_for(operator)
    detail = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert f'href="/surveys/{survey.pk}/results/"' in detail
    for unit in (unit_a, unit_b):  # B is below the minimum: reached from here only
        assert f'href="/surveys/{survey.pk}/results/{unit.teryt}/"' in detail
    office_unit = client.get(f"/surveys/{survey.pk}/units/{unit_a.teryt}/").content.decode()
    assert f'href="/surveys/{survey.pk}/results/{unit_a.teryt}/"' in office_unit
    results = client.get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/").content.decode()
    assert f'href="/surveys/{survey.pk}/"' in results
    assert f'href="/surveys/{survey.pk}/units/{unit_a.teryt}/"' in results
    comparison = client.get(f"/surveys/{survey.pk}/results/").content.decode()
    assert f'href="/surveys/{survey.pk}/"' in comparison


def test_the_office_links_are_not_shown_to_a_unit(survey, unit_a, participant_a):
    page = client_for(participant_a).get(f"/surveys/{survey.pk}/results/{unit_a.teryt}/")
    assert f'href="/surveys/{survey.pk}/"' not in page.content.decode()
