"""Survey figures against independent computations: Wilson intervals against statsmodels,
raking against weightipy and a textbook IPF, and the San Diego 2015 resident survey's
published figures."""

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
import weightipy
from statsmodels.stats.proportion import proportion_confint

from benchlearn.engine.surveys import (
    RakingError,
    design_effect,
    kish_effective_n,
    rake,
    scale_mean,
    survey_stats,
    weight_summary,
    weighted_share_interval,
    wilson_interval,
)

SAN_DIEGO = Path("/work/shared/data/survey/san_diego_2015_resident_survey_weighted.csv")
if not SAN_DIEGO.exists():  # beside the clone, as CI lays shared/ out
    SAN_DIEGO = (
        Path(__file__).resolve().parents[3]
        / "shared/data/survey/san_diego_2015_resident_survey_weighted.csv"
    )

# Plausible population shares for San Diego's adults (Q27 gender: 1 male, 2 female;
# Q20_code age band: 1 = 18–34 … 5 = 65+), the same in every council district.
SEX = {"1": 0.49, "2": 0.51}
AGE = {"1": 0.30, "2": 0.27, "3": 0.20, "4": 0.13, "5": 0.10}


def margins(**variables: dict[str, float]) -> pl.DataFrame:
    rows = [
        (variable, category, share)
        for variable, shares in variables.items()
        for category, share in shares.items()
    ]
    return pl.DataFrame(rows, schema=["variable", "category", "share"], orient="row")


def weighted_shares(frame: pl.DataFrame, weights: np.ndarray, group: str, variable: str):
    shares = (
        frame.select(group, variable)
        .with_columns(w=pl.Series(weights))
        .group_by(group, variable)
        .agg(pl.col("w").sum())
        .with_columns(share=pl.col("w") / pl.col("w").sum().over(group))
    )
    return {(row[group], row[variable]): row["share"] for row in shares.iter_rows(named=True)}


@pytest.fixture(scope="module")
def san_diego() -> pl.DataFrame:
    if not SAN_DIEGO.exists():
        pytest.skip("shared/data/survey is not beside this checkout")
    return pl.read_csv(SAN_DIEGO, infer_schema=False)


@pytest.fixture(scope="module")
def san_diego_known(san_diego) -> pl.DataFrame:
    """The respondents whose gender (1 or 2) and age band (1–5) are known: raking needs
    a margin for everybody (8 said "other" gender, 16 and 109 did not answer)."""
    return san_diego.filter(
        pl.col("Q27").is_in(list(SEX)) & pl.col("Q20_code").is_in(list(AGE))
    ).with_columns(pl.col(q).cast(pl.Float64) for q in ("Q2_6", "Q2_1", "Q2_5"))


# Intervals


@pytest.mark.parametrize("count, n", [(0, 10), (1, 10), (5, 10), (10, 10), (466, 1000), (3, 7)])
def test_wilson_matches_statsmodels_for_counts(count, n):
    low, high = wilson_interval(count / n, n)
    expected = proportion_confint(count, n, alpha=0.05, method="wilson")
    assert (float(low), float(high)) == pytest.approx(expected, abs=1e-12)


def test_wilson_matches_statsmodels_on_a_fractional_effective_size():
    share, effective = 0.4213, 287.31  # a weighted share and its Kish n_eff
    low, high = wilson_interval(share, effective)
    expected = proportion_confint(share * effective, effective, alpha=0.05, method="wilson")
    assert (float(low), float(high)) == pytest.approx(expected, abs=1e-12)


def test_wilson_is_vectorised_and_undefined_without_answers():
    low, high = wilson_interval([0.5, 0.5, np.nan], [100, 0, 10])
    assert low[0] == pytest.approx(0.40383, abs=1e-5) and high[0] == pytest.approx(
        0.59617, abs=1e-5
    )
    assert np.isnan(low[1:]).all() and np.isnan(high[1:]).all()


def test_kish_effective_size_and_design_effect_worked_by_hand():
    weights = [1.0, 1.0, 2.0, 4.0]  # Σw = 8, Σw² = 22
    assert kish_effective_n(weights) == pytest.approx(64 / 22)
    assert design_effect(weights) == pytest.approx(4 / (64 / 22))
    assert kish_effective_n(np.ones(37)) == pytest.approx(37)
    assert design_effect(np.ones(37)) == pytest.approx(1.0)
    assert kish_effective_n([]) == 0.0


def test_weighted_share_uses_wilson_on_the_effective_size():
    share, effective, low, high = weighted_share_interval(
        [True, False, True, False], [1.0, 1.0, 2.0, 4.0]
    )
    assert share == pytest.approx(3 / 8)
    assert effective == pytest.approx(64 / 22)
    expected = proportion_confint(share * effective, effective, method="wilson")
    assert (low, high) == pytest.approx(expected, abs=1e-12)
    assert scale_mean([5, 1, np.nan], [3.0, 1.0, 9.0]) == pytest.approx(4.0)


# Figures per group and question


def test_survey_stats_by_hand_with_dont_know_and_missing_left_out():
    answers = pl.DataFrame(
        {
            "unit": ["A", "A", "A", "A", "A", "B", "B"],
            "q": [5, 4, 2, 9, None, 1, 9],
        },
        schema={"unit": pl.String, "q": pl.Float64},
    )
    found = survey_stats(answers, questions=["q"], satisfied=[4, 5], exclude=[9], group="unit")
    a, b = found.rows(named=True)
    assert (a["group"], a["n"], a["n_effective"]) == ("A", 3, 3.0)
    assert a["share"] == pytest.approx(2 / 3) and a["mean"] == pytest.approx(11 / 3)
    assert (a["ci_low"], a["ci_high"]) == pytest.approx(
        proportion_confint(2, 3, method="wilson"), abs=1e-12
    )
    assert a["design_effect"] == 1.0
    assert (b["n"], b["share"], b["mean"]) == (1, 0.0, 1.0)


def test_survey_stats_weighted_and_a_group_without_answers():
    answers = pl.DataFrame(
        {"unit": ["A", "A", "A", "B"], "q": [5.0, 1.0, 4.0, 9.0]},
    )
    weights = np.array([2.0, 1.0, 1.0, 1.0])
    found = survey_stats(
        answers, questions=["q"], satisfied=[4, 5], exclude=[9], group="unit", weights=weights
    )
    a, b = found.rows(named=True)
    assert a["share"] == pytest.approx(3 / 4) and a["mean"] == pytest.approx(15 / 4)
    assert a["n_effective"] == pytest.approx(16 / 6)
    assert a["design_effect"] == pytest.approx(3 / (16 / 6))
    assert b["n"] == 0 and b["share"] is None and b["ci_low"] is None and b["mean"] is None


def test_san_diego_quality_of_city_services_as_published(san_diego):
    """The data's README: Q2_6 has a mean of 3.22 without "don't know" (9), 46.6 %
    satisfied (4 or 5)."""
    answers = san_diego.select(pl.col("Q2_6").cast(pl.Float64))
    (row,) = survey_stats(answers, questions=["Q2_6"], satisfied=[4, 5], exclude=[9]).rows(
        named=True
    )
    assert row["n"] == 2435  # 2,477 less 42 "don't know"
    assert round(row["mean"], 2) == 3.22
    assert round(row["share"] * 100, 1) == 46.6
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(
        proportion_confint(1134, 2435, method="wilson"), abs=1e-12
    )


# Raking


def textbook_ipf(table: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Deming–Stephan on a two-way table of counts, until both margins hold to 1e-12."""
    fitted = table.astype(float)
    for _ in range(10_000):
        fitted *= (rows / fitted.sum(axis=1))[:, None]
        fitted *= columns / fitted.sum(axis=0)
        if np.abs(fitted.sum(axis=1) - rows).max() < 1e-12:
            break
    return fitted


def test_raking_matches_a_textbook_ipf_on_a_small_table():
    # 2 sexes × 3 age bands, counts of respondents in each cell.
    counts = np.array([[10, 20, 5], [15, 30, 20]])
    sex, age = np.array([0.48, 0.52]), np.array([0.3, 0.35, 0.35])
    n = counts.sum()
    expected = textbook_ipf(counts, sex * n, age * n) / counts  # weight per respondent
    cells = [(s, a) for s in range(2) for a in range(3) for _ in range(counts[s, a])]
    respondents = pl.DataFrame(
        {"sex": [f"s{s}" for s, _ in cells], "age": [f"a{a}" for _, a in cells]}
    )
    found = rake(
        respondents,
        margins(sex={"s0": 0.48, "s1": 0.52}, age={"a0": 0.3, "a1": 0.35, "a2": 0.35}),
        tolerance=1e-12,
    )
    want = np.array([expected[s, a] for s, a in cells])
    assert found.weights == pytest.approx(want, abs=1e-9)
    assert found.weights.mean() == pytest.approx(1.0)


def test_san_diego_raked_by_gender_and_age_within_council_districts(san_diego_known):
    frame = san_diego_known
    found = rake(frame, margins(Q27=SEX, Q20_code=AGE), group="Q28")
    for variable, shares in (("Q27", SEX), ("Q20_code", AGE)):
        met = weighted_shares(frame, found.weights, "Q28", variable)
        assert len(met) == 9 * len(shares)
        for (_, category), share in met.items():
            assert share == pytest.approx(shares[category], abs=1e-6)
    means = frame.with_columns(w=pl.Series(found.weights)).group_by("Q28").agg(pl.col("w").mean())
    assert means["w"].to_numpy() == pytest.approx(np.ones(9), abs=1e-9)

    # weightipy (RIM weighting, an independent implementation), district by district.
    theirs = np.empty(frame.height)
    table = pd.DataFrame({c: frame[c].to_list() for c in ("Q27", "Q20_code", "Q28")})
    targets = {"Q27": {k: v * 100 for k, v in SEX.items()}}
    targets["Q20_code"] = {k: v * 100 for k, v in AGE.items()}
    for _, part in table.groupby("Q28"):
        scheme = weightipy.scheme_from_dict(
            targets, rim_params={"convcrit": 1e-12, "max_iterations": 10_000}
        )
        weights = weightipy.weight(part[["Q27", "Q20_code"]].reset_index(drop=True), scheme)
        theirs[part.index.to_numpy()] = weights.to_numpy()
    # weightipy stops on its own criterion (a few 1e-6 from the fixed point).
    assert found.weights == pytest.approx(theirs, abs=1e-4)


def test_san_diego_weighted_figures_use_the_effective_size(san_diego_known):
    frame = san_diego_known
    weights = rake(frame, margins(Q27=SEX, Q20_code=AGE), group="Q28").weights
    found = survey_stats(
        frame, questions=["Q2_6"], satisfied=[4, 5], exclude=[9], group="Q28", weights=weights
    )
    assert found["group"].to_list() == [str(d) for d in range(1, 10)]
    for row in found.iter_rows(named=True):
        part = frame.with_columns(w=pl.Series(weights)).filter(
            (pl.col("Q28") == row["group"]) & (pl.col("Q2_6") != 9)
        )
        w = part["w"].to_numpy()
        assert row["n"] == part.height
        assert row["n_effective"] == pytest.approx(w.sum() ** 2 / (w**2).sum())
        share = w[part["Q2_6"].to_numpy() >= 4].sum() / w.sum()
        assert row["share"] == pytest.approx(share)
        expected = proportion_confint(
            share * row["n_effective"], row["n_effective"], method="wilson"
        )
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(expected, abs=1e-12)
        assert row["design_effect"] > 1.0


SMALL_MARGINS = {"sex": {"s0": 0.48, "s1": 0.52}, "age": {"a0": 0.3, "a1": 0.35, "a2": 0.35}}


def small_table() -> pl.DataFrame:
    """The 2 × 3 table of the textbook test, one row per respondent."""
    counts = np.array([[10, 20, 5], [15, 30, 20]])
    cells = [(s, a) for s in range(2) for a in range(3) for _ in range(counts[s, a])]
    return pl.DataFrame({"sex": [f"s{s}" for s, _ in cells], "age": [f"a{a}" for _, a in cells]})


def test_trimming_caps_weights_and_still_meets_the_margins():
    respondents = small_table()
    plain = rake(respondents, margins(**SMALL_MARGINS)).weights
    found = rake(respondents, margins(**SMALL_MARGINS), cap=2.0)
    assert plain.max() > 2.0
    assert found.weights.max() <= 2.0 * (1 + 1e-6)
    assert found.weights.mean() == pytest.approx(1.0)
    for variable, shares in SMALL_MARGINS.items():
        respondents = respondents.with_columns(g=pl.lit("all"))
        for (_, category), share in weighted_shares(
            respondents, found.weights, "g", variable
        ).items():
            assert share == pytest.approx(shares[category], abs=1e-6)
    assert design_effect(found.weights) < design_effect(plain)


def test_a_cap_below_what_the_margins_need_is_an_error(san_diego_known):
    """District 8 has too few respondents aged 18–34 to make up 30 % with weights of at
    most 1.8 × the mean: the error says so instead of returning weights that miss."""
    found = problems_of(san_diego_known, margins(Q27=SEX, Q20_code=AGE), group="Q28", cap=1.8)
    assert "raking did not meet the margins within 1e-06" in found
    assert "in group 8" in found and "raise the cap" in found


def test_margins_per_group():
    respondents = pl.DataFrame({"unit": ["A", "A", "A", "B", "B"], "sex": list("MFFMF")})
    per_group = pl.DataFrame(
        {
            "group": ["A", "A", "B", "B"],
            "variable": ["sex"] * 4,
            "category": ["M", "F", "M", "F"],
            "share": [0.5, 0.5, 0.25, 0.75],
        }
    )
    weights = rake(respondents, per_group, group="unit").weights
    assert weights == pytest.approx([1.5, 0.75, 0.75, 0.5, 1.5])


def problems_of(respondents: pl.DataFrame, given: pl.DataFrame, **options) -> str:
    with pytest.raises(RakingError) as caught:
        rake(respondents, given, **options)
    return "\n".join(caught.value.problems)


RESPONDENTS = pl.DataFrame({"unit": ["A", "A", "B", "B"], "sex": ["M", "F", "M", "M"]})


def test_an_empty_category_with_a_positive_margin_is_named():
    found = problems_of(RESPONDENTS, margins(sex={"M": 0.5, "F": 0.5}), group="unit")
    assert (
        found == "group B: no respondent has sex = F, whose margin is 0.5: the margin cannot be met"
    )


def test_bad_margins_are_all_listed():
    found = problems_of(
        RESPONDENTS, margins(sex={"M": 0.5, "F": 0.6}, age={"young": 1.0}), group="unit"
    )
    assert "margins of sex in group all add up to 1.1, not 1" in found
    assert "margins: no column age in the responses" in found


def test_a_respondent_without_a_margin_is_named_by_line():
    found = problems_of(
        RESPONDENTS.with_columns(sex=pl.Series(["M", "F", None, "X"])),
        margins(sex={"M": 0.5, "F": 0.5}),
        first_line=2,
    )
    assert found == "line 5: sex is X, which has no margin in group all"


def test_respondents_without_a_weighting_answer_keep_weight_one():
    """No sex or no age band (null or an empty cell): not raked, weight 1 (the mean);
    the others are raked among themselves: two women and a man, half and half, weigh
    3/4, 3/4 and 3/2 as if the others were not there."""
    respondents = pl.DataFrame(
        {"sex": ["F", "F", "M", None, "F", ""], "age": ["y", "y", "y", "y", None, "y"]}
    )
    found = rake(respondents, margins(sex={"F": 0.5, "M": 0.5}, age={"y": 1.0}))
    assert found.weights == pytest.approx([0.75, 0.75, 1.5, 1, 1, 1])
    assert found.unweighted.tolist() == [False, False, False, True, True, True]
    assert found.unweighted_count == 3
    assert found.weights.mean() == pytest.approx(1.0)


def test_a_margin_only_the_unweighted_could_meet_is_named():
    respondents = pl.DataFrame({"sex": ["F", "F", None], "age": ["y", "y", "y"]})
    found = problems_of(respondents, margins(sex={"F": 0.5, "M": 0.5}, age={"y": 1.0}))
    assert found == (
        "group all: no respondent has sex = M, whose margin is 0.5: the margin cannot be met"
    )


def test_san_diego_with_unknown_gender_or_age_left_at_weight_one(san_diego, san_diego_known):
    """Every respondent of the survey, "other" gender taken as no answer: those who
    gave gender and age band get the weights of raking them alone (checked against
    weightipy above), the others weight 1."""
    frame = san_diego.with_columns(
        Q27=pl.when(pl.col("Q27").is_in(list(SEX))).then(pl.col("Q27")),
        Q20_code=pl.when(pl.col("Q20_code").is_in(list(AGE))).then(pl.col("Q20_code")),
    )
    given = margins(Q27=SEX, Q20_code=AGE)
    found = rake(frame, given, group="Q28")
    alone = rake(san_diego_known, given, group="Q28").weights
    known = (frame["Q27"].is_not_null() & frame["Q20_code"].is_not_null()).to_numpy()
    assert found.unweighted_count == frame.height - san_diego_known.height > 0
    assert found.weights[known] == pytest.approx(alone, abs=1e-9)
    assert (found.weights[~known] == 1).all()


def test_a_cap_the_margins_cannot_live_with_is_an_error():
    respondents = pl.DataFrame({"sex": ["M"] + ["F"] * 9})
    found = problems_of(respondents, margins(sex={"M": 0.5, "F": 0.5}), cap=2.0)
    assert "raking did not meet the margins" in found and "raise the cap" in found
    assert "must be more than 1" in problems_of(
        respondents, margins(sex={"M": 0.5, "F": 0.5}), cap=1.0
    )


def test_weight_summary_per_group():
    respondents = pl.DataFrame({"unit": ["B", "A", "A", "A", "A"]})
    found = weight_summary(respondents, group="unit", weights=[3.0, 1.0, 1.0, 2.0, 4.0])
    a, b = found.rows(named=True)
    assert (a["group"], a["n"]) == ("A", 4)
    assert a["n_effective"] == pytest.approx(64 / 22)
    assert a["design_effect"] == pytest.approx(4 * 22 / 64)
    assert (a["min_weight"], a["max_weight"]) == pytest.approx((0.5, 2.0))
    assert (b["n"], b["design_effect"], b["max_weight"]) == (1, 1.0, 1.0)
