"""A survey's results per unit and question against hand-worked numbers and the engine;
the minimum of responses; closing writes the satisfaction variables with their history
and source, or nothing at all."""

import numpy as np
import polars as pl
import pytest
from django.utils import timezone

from benchlearn.collection.models import Value, ValueChange
from benchlearn.engine import surveys as engine
from benchlearn.surveys.editing import SurveyError
from benchlearn.surveys.margins_entry import margins_store
from benchlearn.surveys.models import Response, Survey, SurveyEvent, SurveyState
from benchlearn.surveys.results import unit_results
from benchlearn.surveys.running import survey_close, survey_open
from tests.surveys.results_setup import (
    PERIOD,
    answer,
    answer_many,
    catalogue,
    collection_round,
    even_margins,
    open_survey,
    waste_questionnaire,
)


@pytest.fixture
def version(operator):
    catalogue(operator)
    return waste_questionnaire(operator)


def test_unweighted_figures_are_the_hand_worked_ones(version, unit_a, operator):
    survey = open_survey(version, [unit_a], operator)
    # 5 of the 8 valid answers are 4 or 5; "don't know" (9) and a blank are left out.
    for value in ["5", "5", "4", "4", "4", "3", "2", "1", "9", ""]:
        answer(survey, unit_a, operator, OVERALL=value, Q1="3", OPEN="x")
    result = unit_results(survey, unit_a)
    assert result.responses == 10 and not result.weighted
    assert "no population by sex and age band" in result.weighting_note
    overall = result.overall
    assert overall.n == 8 and overall.dont_know == 1
    assert overall.share == pytest.approx(0.625)
    assert overall.mean == pytest.approx(3.5)
    # Wilson (statsmodels' proportion_confint(5, 8, method="wilson")).
    assert overall.ci_low == pytest.approx(0.3057423946026273, abs=1e-12)
    assert overall.ci_high == pytest.approx(0.8631557141764027, abs=1e-12)
    assert overall.n_effective == 8 and overall.design_effect == 1.0
    bars = {bar.code: bar.count for bar in overall.distribution}
    assert bars == {"1": 1, "2": 1, "3": 1, "4": 3, "5": 2, "9": 1}
    assert result.below_minimum  # 10 of the 100 asked for


def test_weighted_figures_rake_to_the_population_and_use_the_kish_n(version, unit_a, operator):
    survey = open_survey(version, [unit_a], operator, minimum=4)
    even_margins(unit_a, operator)
    # Three women (5, 5, 1) and one man (4), all 18–24; the population is half and half:
    # women weigh 2/3, the man 2. Satisfied: (2/3 + 2/3 + 2) / 4 = 5/6; n_eff = 16/(16/3) = 3.
    for value in ["5", "5", "1"]:
        answer(survey, unit_a, operator, OVERALL=value, SEX="F", AGE="18-24")
    answer(survey, unit_a, operator, OVERALL="4", SEX="M", AGE="18-24")
    result = unit_results(survey, unit_a)
    assert result.weighted and result.margins_year == PERIOD
    overall = result.overall
    assert overall.n == 4
    assert overall.share == pytest.approx(5 / 6)
    assert overall.n_effective == pytest.approx(3.0)
    assert overall.design_effect == pytest.approx(4 / 3)
    assert result.design_effect == pytest.approx(4 / 3)
    # Wilson on p = 5/6 and n = 3, worked by hand from the formula.
    assert overall.ci_low == pytest.approx(0.3099881064419566, abs=1e-12)
    assert overall.ci_high == pytest.approx(0.9823472057213466, abs=1e-12)
    assert overall.mean == pytest.approx((2 / 3 * 11 + 2 * 4) / 4)
    # The same as the engine called on the respondents directly.
    frame = pl.DataFrame({"sex": ["F", "F", "F", "M"], "age": ["18-24"] * 4})
    margins = pl.DataFrame(
        {
            "variable": ["sex", "sex", "age"],
            "category": ["F", "M", "18-24"],
            "share": [0.5, 0.5, 1.0],
        }
    )
    weights = engine.rake(frame, margins).weights
    stats = engine.survey_stats(
        pl.DataFrame({"OVERALL": [5.0, 5.0, 1.0, 4.0]}),
        questions=["OVERALL"],
        satisfied=[4, 5],
        weights=weights,
    ).row(0, named=True)
    assert np.allclose(weights, [2 / 3, 2 / 3, 2 / 3, 2])
    assert overall.share == pytest.approx(stats["share"])
    assert overall.ci_low == pytest.approx(stats["ci_low"])


def test_respondents_without_sex_or_age_keep_weight_one(version, unit_a, operator):
    survey = open_survey(version, [unit_a], operator, minimum=1)
    even_margins(unit_a, operator)
    answer(survey, unit_a, operator, OVERALL="5", SEX="F", AGE="18-24")
    answer(survey, unit_a, operator, OVERALL="5", SEX="M", AGE="18-24")
    answer(survey, unit_a, operator, OVERALL="1")
    result = unit_results(survey, unit_a)
    assert result.weighted and result.unweighted_respondents == 1
    assert result.overall.share == pytest.approx(2 / 3)


def test_margins_that_cannot_be_met_leave_the_unit_unweighted_and_say_why(
    version, unit_a, operator
):
    survey = open_survey(version, [unit_a], operator, minimum=1)
    even_margins(unit_a, operator)
    answer(survey, unit_a, operator, OVERALL="5", SEX="F", AGE="18-24")  # no man answered
    result = unit_results(survey, unit_a)
    assert not result.weighted
    assert "cannot be weighted" in result.weighting_note and "sex = M" in result.weighting_note


@pytest.fixture
def survey_99_100(version, unit_a, unit_b, operator):
    survey = open_survey(version, [unit_a, unit_b], operator)
    answer_many(survey, unit_a, operator, ["5"] * 60 + ["2"] * 39 + ["9"])  # 100 responses
    answer_many(survey, unit_b, operator, ["4"] * 99)  # 99 responses
    return survey


def test_the_minimum_flags_99_responses_but_not_100(survey_99_100, unit_a, unit_b):
    assert not unit_results(survey_99_100, unit_a).below_minimum
    assert unit_results(survey_99_100, unit_b).below_minimum


def test_closing_writes_the_satisfaction_variables_with_history_and_source(
    survey_99_100, unit_a, unit_b, operator
):
    collection_round(operator, [unit_a, unit_b])
    survey_close(survey=survey_99_100, by=operator)
    survey_99_100.refresh_from_db()
    assert survey_99_100.state == SurveyState.CLOSED
    stored = {
        v.variable.code: v
        for v in Value.objects.filter(unit=unit_a, period=PERIOD).select_related("variable")
    }
    # 99 valid answers (a "don't know" left out), 60 satisfied; unweighted.
    assert stored["WST_SURVEY_RESP"].value == 99
    assert stored["WST_SURVEY_SATISFIED"].value == 60
    assert {v.source for v in stored.values()} == {"survey"}
    changes = ValueChange.objects.filter(value__unit=unit_a).order_by("pk")
    assert [(c.old_value, c.new_value, c.source, c.changed_by_id) for c in changes] == [
        (None, 99, "survey", operator.pk),
        (None, 60, "survey", operator.pk),
    ]
    assert all(c.submission_id is not None and c.note == "Odpady 2026" for c in changes)
    # Unit B, below the minimum, gets nothing.
    assert not Value.objects.filter(unit=unit_b).exists()
    assert SurveyEvent.objects.filter(survey=survey_99_100, kind="values written").exists()


def test_a_unit_without_a_round_is_named_and_nothing_is_written(
    survey_99_100, unit_a, unit_b, operator
):
    collection_round(operator, [unit_b])  # unit A, at the minimum, has no round of 2026
    with pytest.raises(SurveyError) as refused:
        survey_close(survey=survey_99_100, by=operator)
    assert unit_a.name in refused.value.message and "2026" in refused.value.message
    survey_99_100.refresh_from_db()
    assert survey_99_100.state == SurveyState.OPEN
    assert not Value.objects.exists() and not ValueChange.objects.exists()
    assert not SurveyEvent.objects.filter(survey=survey_99_100, kind="closed").exists()


def test_closing_again_after_reopening_records_the_old_and_new_values(version, unit_a, operator):
    collection_round(operator, [unit_a])
    survey = open_survey(version, [unit_a], operator, minimum=2)
    answer_many(survey, unit_a, operator, ["5", "1"])
    survey_close(survey=survey, by=operator)
    survey_open(survey=survey, by=operator)
    answer_many(survey, unit_a, operator, ["5", "5"])
    survey_close(survey=survey, by=operator)
    change = (
        ValueChange.objects.filter(value__variable__code="WST_SURVEY_SATISFIED")
        .order_by("pk")
        .last()
    )
    assert (change.old_value, change.new_value) == (1, 3)


def test_trimming_caps_the_weights_or_says_the_cap_is_too_low(version, unit_a, operator):
    survey = open_survey(version, [unit_a], operator, minimum=4)
    even_margins(unit_a, operator)
    for value in ["5", "5", "1"]:
        answer(survey, unit_a, operator, OVERALL=value, SEX="F", AGE="18-24")
    answer(survey, unit_a, operator, OVERALL="4", SEX="M", AGE="18-24")
    # The man's weight is 2 × the mean: a cap of 3 leaves the weights as they are...
    Survey.objects.filter(pk=survey.pk).update(weight_cap=3)
    assert unit_results(survey_again(survey), unit_a).overall.share == pytest.approx(5 / 6)
    # ... a cap of 1.5 cannot meet the margins (one man must stand for half).
    Survey.objects.filter(pk=survey.pk).update(weight_cap=1.5)
    trimmed = unit_results(survey_again(survey), unit_a)
    assert not trimmed.weighted and "raise the cap" in trimmed.weighting_note
    assert trimmed.overall.share == pytest.approx(3 / 4)


def survey_again(survey):
    return Survey.objects.get(pk=survey.pk)


def test_a_binding_cap_trims_the_weights_as_worked_by_hand(version, unit_a, operator):
    """Half women, half men; half 18–24, half 25–34. Four women of each band, one man
    18–24 (5: satisfied), three men 25–34. Untrimmed the man 18–24 weighs 2.196 × the
    mean; at a cap of 2 the margins are still met, with weights worked by hand: women
    18–24 1, women 25–34 1/2, the man 18–24 2, men 25–34 4/3 (each margin 6 of 12)."""
    survey = open_survey(version, [unit_a], operator, minimum=1)
    counts = dict.fromkeys(["POP_35_44", "POP_45_54", "POP_55_64", "POP_65PLUS"], 0.0)
    margins_store(
        unit=unit_a,
        year=PERIOD,
        counts={
            "POP_F_18PLUS": 500,
            "POP_M_18PLUS": 500,
            "POP_18_24": 500,
            "POP_25_34": 500,
            **counts,
        },
        by=operator,
    )
    people = [("F", "18-24", "1")] * 4 + [("F", "25-34", "1")] * 4
    people += [("M", "18-24", "5")] + [("M", "25-34", "1")] * 3
    for sex, age, overall in people:
        answer(survey, unit_a, operator, OVERALL=overall, SEX=sex, AGE=age)
    plain = unit_results(survey, unit_a)
    Survey.objects.filter(pk=survey.pk).update(weight_cap=2)
    trimmed = unit_results(survey_again(survey), unit_a)
    assert plain.weighted and plain.cap is None
    assert trimmed.weighted and trimmed.cap == 2
    by_hand = np.array([1.0] * 4 + [0.5] * 4 + [2.0] + [4 / 3] * 3)
    assert trimmed.max_weight == pytest.approx(2.0)
    assert trimmed.overall.share == pytest.approx(2 / 12, abs=1e-6)
    assert trimmed.design_effect == pytest.approx(12 * (by_hand**2).sum() / 144, abs=1e-5)
    assert trimmed.design_effect == pytest.approx(engine.design_effect(by_hand), abs=1e-5)
    assert trimmed.overall.n_effective == pytest.approx(engine.kish_effective_n(by_hand), abs=1e-4)
    # Untrimmed: the engine's raking of the same respondents, and a larger design effect.
    frame = pl.DataFrame({"sex": [p[0] for p in people], "age": [p[1] for p in people]})
    margins = pl.DataFrame(
        {
            "variable": ["sex", "sex", "age", "age"],
            "category": ["F", "M", "18-24", "25-34"],
            "share": [0.5, 0.5, 0.5, 0.5],
        }
    )
    untrimmed = engine.rake(frame, margins).weights
    assert plain.max_weight == pytest.approx(untrimmed.max()) and plain.max_weight > 2.1
    assert plain.overall.share == pytest.approx(untrimmed[8] / 12)
    assert plain.design_effect == pytest.approx(engine.design_effect(untrimmed))
    assert plain.design_effect > trimmed.design_effect
    assert engine.rake(frame, margins, cap=2).weights == pytest.approx(by_hand, abs=1e-5)


def test_no_age_band_or_an_answer_outside_the_population_counts_as_no_answer(
    version, unit_a, operator
):
    """A respondent with no age band, and one whose sex code the population statistics
    have no category for (an option such as "prefer not to say" added to the
    questionnaire), keep weight 1; the page says how many could not be weighted."""
    survey = open_survey(version, [unit_a], operator, minimum=1)
    even_margins(unit_a, operator)
    answer(survey, unit_a, operator, OVERALL="5", SEX="F", AGE="18-24")
    answer(survey, unit_a, operator, OVERALL="5", SEX="F", AGE="18-24")
    answer(survey, unit_a, operator, OVERALL="1", SEX="M", AGE="18-24")
    answer(survey, unit_a, operator, OVERALL="1", SEX="M")  # no age band
    Response.objects.create(
        survey=survey,
        unit=unit_a,
        mode="open",
        answers={"OVERALL": 4, "SEX": "X", "AGE": "18-24"},
        submitted_at=timezone.now(),
    )
    result = unit_results(survey, unit_a)
    # Raked among the three: the women weigh 3/4, the man 3/2; the other two weigh 1.
    assert result.weighted and result.unweighted_respondents == 2
    assert result.overall.share == pytest.approx((0.75 + 0.75 + 1) / 5)
