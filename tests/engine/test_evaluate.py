"""Evaluating indicators: the semantics on literal frames, catalogue checks, incremental
re-evaluation, and the vectorised evaluator against the per-unit reference loop."""

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from benchlearn.engine.catalogue import Catalogue, Indicator, Variable
from benchlearn.engine.evaluate import (
    CatalogueError,
    check_catalogue,
    dependents,
    evaluate,
    evaluation,
    grid,
    reevaluate,
)
from tests.engine.naive import evaluate_naive

VARIABLES = ("A", "B", "C", "D")
COLUMNS = ["unit", "period", "indicator", "value", "flag", "numerator", "denominator"]


def catalogue(indicators, variables=VARIABLES):
    """A catalogue from {code: formula} or {code: (formula, numerator, denominator)}."""
    made = []
    for code, spec in indicators.items():
        formula, numerator, denominator = spec if isinstance(spec, tuple) else (spec, None, None)
        made.append(Indicator(code, formula, numerator=numerator, denominator=denominator))
    return Catalogue(variables=tuple(Variable(code) for code in variables), indicators=tuple(made))


def frame(rows, period_dtype=pl.Int64):
    return pl.DataFrame(
        rows,
        schema={
            "unit": pl.String,
            "period": period_dtype,
            "variable": pl.String,
            "value": pl.Float64,
        },
        orient="row",
    )


def one(formula, **variables):
    """(value, flag) of ``formula`` for one unit in one period with these variables."""
    rows = [("u", 2020, code, value) for code, value in variables.items()]
    rows.append(("u", 2020, "ELSEWHERE", 0.0))  # not in the catalogue: only places the unit
    result = evaluate(frame(rows), catalogue({"X": formula}))
    return result.row(0)[3:5]


def by_key(result):
    return {
        (unit, period, code): (value, flag)
        for unit, period, code, value, flag, *_ in result.iter_rows()
    }


# --- arithmetic, functions and missing values -------------------------------------------


def test_division_by_a_constant_is_true_division():
    assert one("A / 10", A=3.0) == (0.3, None)  # not 3 * (1 / 10) = 0.30000000000000004


def test_arithmetic_and_precedence():
    assert one("2 + 3 * 4") == (14.0, None)
    assert one("(2 + 3) * 4") == (20.0, None)
    assert one("2 - 3 - 4") == (-5.0, None)
    assert one("8 / 4 / 2") == (1.0, None)
    assert one("-2 * 3 + - -1") == (-5.0, None)
    assert one("A * -B", A=2.0, B=3.0) == (-6.0, None)
    assert one("(A - B) / C", A=10.0, B=4.0, C=3.0) == (2.0, None)


def test_a_missing_input_gives_a_missing_result():
    assert one("A + B", A=1.0) == (None, None)  # B has no row
    assert one("A * B", A=1.0, B=None) == (None, None)  # B's row holds null
    assert one("-A") == (None, None)
    assert one("abs(A)") == (None, None)
    assert one("round(A, 1)") == (None, None)
    assert one("prev(A)", A=1.0) == (None, None)  # no earlier period


def test_the_null_literal():
    assert one("null") == (None, None)
    assert one("A + null", A=1.0) == (None, None)
    assert one("coalesce(null, 7)") == (7.0, None)


def test_min_max_and_sum_are_missing_when_any_argument_is():
    assert one("min(A, B, C)", A=3.0, B=-1.0, C=2.0) == (-1.0, None)
    assert one("max(A, B, C)", A=3.0, B=-1.0, C=2.0) == (3.0, None)
    assert one("sum(A, B, C)", A=3.0, B=-1.0, C=2.5) == (4.5, None)
    assert one("min(A, B)", A=3.0) == (None, None)
    assert one("max(A, B)", A=3.0) == (None, None)
    assert one("sum(A, B)", A=3.0) == (None, None)


def test_coalesce_takes_the_first_present_value():
    assert one("coalesce(A, B, 0)", B=5.0) == (5.0, None)
    assert one("coalesce(A, B, 0)") == (0.0, None)
    assert one("coalesce(A, B)", A=1.0, B=5.0) == (1.0, None)
    assert one("coalesce(A, B)") == (None, None)


def test_abs_and_round_half_away_from_zero():
    assert one("abs(A)", A=-2.5) == (2.5, None)
    assert one("round(A, 0)", A=2.5) == (3.0, None)
    assert one("round(A, 0)", A=-2.5) == (-3.0, None)
    assert one("round(A, 2)", A=0.125) == (0.13, None)
    assert one("round(A, -2)", A=1234.5678) == (1200.0, None)
    assert one("round(A, 1)", A=-0.04) == (0.0, None)


def test_comparisons():
    cases = {
        "<": (1, 0, 0),
        "<=": (1, 1, 0),
        ">": (0, 0, 1),
        ">=": (0, 1, 1),
        "=": (0, 1, 0),
        "==": (0, 1, 0),
        "!=": (1, 0, 1),
    }
    for op, expected in cases.items():
        got = tuple(one(f"if(A {op} B, 1, 0)", A=a, B=2.0)[0] for a in (1.0, 2.0, 3.0))
        assert got == expected, op


def test_and_or_not():
    assert one("if(A > 0 and B > 0, 1, 0)", A=1.0, B=1.0) == (1.0, None)
    assert one("if(A > 0 and B > 0, 1, 0)", A=1.0, B=-1.0) == (0.0, None)
    assert one("if(A > 0 or B > 0, 1, 0)", A=-1.0, B=1.0) == (1.0, None)
    assert one("if(A > 0 or B > 0, 1, 0)", A=-1.0, B=-1.0) == (0.0, None)
    assert one("if(not A > 0, 1, 0)", A=-1.0) == (1.0, None)
    assert one("if(not A > 0, 1, 0)", A=1.0) == (0.0, None)


def test_logic_with_a_missing_operand_is_missing():
    # Strict, not Kleene: "false and missing" is missing too.
    assert one("if(A > 0 and B > 0, 1, 0)", A=-1.0) == (None, None)
    assert one("if(A > 0 or B > 0, 1, 0)", A=1.0) == (None, None)
    assert one("if(not B > 0, 1, 0)") == (None, None)


def test_if_with_a_missing_condition_is_missing():
    assert one("if(A > 0, 1, 1)") == (None, None)
    assert one("if(A > 0, B, C)", A=1.0, B=2.0, C=3.0) == (2.0, None)
    assert one("if(A > 0, B, C)", A=-1.0, B=2.0, C=3.0) == (3.0, None)
    assert one("if(A > 0, B, C)", A=1.0, C=3.0) == (None, None)  # the branch taken is missing


# --- division by zero -------------------------------------------------------------------


def test_division_by_zero_is_missing_and_flagged():
    assert one("A / B", A=1.0, B=0.0) == (None, "div0")
    assert one("A / B", A=0.0, B=0.0) == (None, "div0")
    assert one("100 * A / B + 1", A=1.0, B=0.0) == (None, "div0")
    assert one("A / B", A=1.0) == (None, None)  # a missing denominator is not a zero
    assert one("A / B", B=0.0) == (None, "div0")  # the denominator was zero all the same


def test_the_flag_follows_the_branch_taken():
    assert one("if(B > 0, A / B, null)", A=1.0, B=0.0) == (None, None)
    assert one("if(B = 0, 0, A / B)", A=1.0, B=0.0) == (0.0, None)
    assert one("if(B = 0, A / B, 1)", A=1.0, B=0.0) == (None, "div0")
    assert one("if(A / B > 1, 1, 0)", A=1.0, B=0.0) == (None, "div0")


def test_coalesce_overrides_a_zero_division():
    assert one("coalesce(A / B, 0)", A=1.0, B=0.0) == (0.0, None)
    assert one("coalesce(A / B, C)", A=1.0, B=0.0) == (None, "div0")
    assert one("coalesce(A / B, C) + D", A=1.0, B=0.0, C=1.0) == (None, None)  # D is missing


def test_results_are_never_infinite_or_nan():
    assert one("A * A", A=1e200) == (None, None)
    assert one("A / B", A=1e300, B=1e-300) == (None, None)
    assert one("A - B", A=float("inf"), B=1.0) == (None, None)
    assert one("A", A=float("nan")) == (None, None)
    assert one("round(A, 15)", A=1e300) == (None, None)


# --- periods, units and prev ------------------------------------------------------------


def test_prev_reads_the_previous_period_of_the_same_unit():
    rows = [
        ("a", 2020, "A", 1.0),
        ("a", 2021, "A", 2.0),
        ("a", 2023, "A", 8.0),
        ("b", 2020, "A", 100.0),
        ("b", 2021, "A", 200.0),
    ]
    result = by_key(
        evaluate(frame(rows), catalogue({"G": "A / prev(A) - 1", "P": "prev(prev(A))"}))
    )
    assert result[("a", 2020, "G")] == (None, None)  # the first period
    assert result[("a", 2021, "G")] == (1.0, None)
    assert result[("a", 2022, "G")] == (None, None)  # 2022 has no values: still a period
    assert result[("a", 2023, "G")] == (None, None)  # prev is 2022, not "the previous row"
    assert result[("b", 2020, "G")] == (None, None)  # never a's last period
    assert result[("b", 2021, "G")] == (1.0, None)
    assert result[("a", 2022, "P")] == (1.0, None)
    assert result[("b", 2020, "P")] == (None, None)
    assert result[("b", 2021, "P")] == (None, None)


def test_prev_of_an_expression_and_of_a_zero_division():
    rows = [("a", 1, "A", 1.0), ("a", 1, "B", 0.0), ("a", 2, "A", 3.0), ("a", 2, "B", 2.0)]
    result = by_key(evaluate(frame(rows), catalogue({"X": "prev(A / B)", "Y": "prev(A + B) * 2"})))
    assert result[("a", 2, "X")] == (None, "div0")
    assert result[("a", 2, "Y")] == (2.0, None)


def test_every_unit_and_period_gets_every_indicator():
    rows = [("b", 2022, "A", 1.0), ("a", 2020, "B", 2.0), ("a", 2020, "ZZZ", 5.0)]
    result = evaluate(frame(rows), catalogue({"X": "A", "Y": "B * 2"}))
    assert result.columns == COLUMNS
    assert result.height == 2 * 3 * 2
    assert result.select("unit", "period", "indicator").rows()[:4] == [
        ("a", 2020, "X"),
        ("a", 2021, "X"),
        ("a", 2022, "X"),
        ("b", 2020, "X"),
    ]
    assert by_key(result)[("a", 2020, "Y")] == (4.0, None)
    assert result.schema == pl.Schema(
        {
            "unit": pl.String,
            "period": pl.Int64,
            "indicator": pl.String,
            "value": pl.Float64,
            "flag": pl.String,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
        }
    )


def test_period_type_is_kept_and_categorical_codes_are_read():
    rows = [("a", 2020, "A", 1.0), ("a", 2021, "A", 2.0)]
    values = frame(rows, period_dtype=pl.Int32).with_columns(
        pl.col("unit", "variable").cast(pl.Categorical)
    )
    result = evaluate(values, catalogue({"X": "A + 1"}))
    assert result["period"].dtype == pl.Int32
    assert result["value"].to_list() == [2.0, 3.0]


# --- indicators on indicators, numerators and denominators ------------------------------


def test_indicators_on_indicators():
    rows = [("a", 1, "A", 6.0), ("a", 1, "B", 2.0), ("b", 1, "A", 1.0), ("b", 1, "B", 0.0)]
    cat = catalogue(
        {"TOP": "MID + 1", "MID": "2 * BASE", "BASE": "A / B", "OTHER": "coalesce(MID, -1)"}
    )
    assert check_catalogue(cat) == ["BASE", "MID", "TOP", "OTHER"]
    result = by_key(evaluate(frame(rows), cat))
    assert result[("a", 1, "TOP")] == (7.0, None)
    assert result[("b", 1, "MID")] == (None, "div0")  # as if BASE were written out
    assert result[("b", 1, "TOP")] == (None, "div0")
    assert result[("b", 1, "OTHER")] == (-1.0, None)


def test_numerator_and_denominator_are_evaluated():
    rows = [("a", 1, "A", 6.0), ("a", 1, "B", 0.0)]
    cat = catalogue({"R": ("1000 * A / B", "1000 * A", "B"), "S": "A"})
    result = evaluate(frame(rows), cat)
    assert result.rows() == [
        ("a", 1, "R", None, "div0", 6000.0, 0.0),
        ("a", 1, "S", 6.0, None, None, None),
    ]


# --- inputs -------------------------------------------------------------------------------


def test_empty_values_give_an_empty_result():
    result = evaluate(frame([]), catalogue({"X": "A"}))
    assert result.columns == COLUMNS
    assert result.height == 0


def test_empty_values_still_check_the_catalogue():
    with pytest.raises(CatalogueError):
        evaluate(frame([]), catalogue({"X": "NOPE"}))


def test_duplicated_values_are_refused_with_their_key():
    rows = [("a", 2020, "A", 1.0), ("b", 2021, "B", 1.0), ("b", 2021, "B", 2.0)]
    with pytest.raises(ValueError, match="2 values for unit b, period 2021, variable B"):
        evaluate(frame(rows), catalogue({"X": "A"}))


def test_duplicates_outside_the_catalogue_are_ignored_like_their_values():
    rows = [("a", 2020, "A", 1.0), ("a", 2020, "OLD", 1.0), ("a", 2020, "OLD", 2.0)]
    assert evaluate(frame(rows), catalogue({"X": "A"}))["value"].to_list() == [1.0]


def test_values_must_have_the_columns_and_types():
    with pytest.raises(ValueError, match="lacks the column"):
        evaluate(frame([]).drop("value"), catalogue({"X": "A"}))
    with pytest.raises(ValueError, match="whole numbers"):
        evaluate(frame([]).cast({"period": pl.Float64}), catalogue({"X": "A"}))
    with pytest.raises(ValueError, match="must hold numbers"):
        evaluate(frame([]).cast({"value": pl.String}), catalogue({"X": "A"}))
    with pytest.raises(ValueError, match="without a unit"):
        evaluate(frame([(None, 2020, "A", 1.0)]), catalogue({"X": "A"}))
    with pytest.raises(ValueError, match="consecutive"):
        evaluate(frame([("a", 2020, "A", 1.0), ("a", 20210, "A", 1.0)]), catalogue({"X": "A"}))


# --- the catalogue ------------------------------------------------------------------------


def test_every_catalogue_problem_is_reported_at_once():
    cat = Catalogue(
        variables=(Variable("EDU_EXP"), Variable("PUPILS"), Variable("PUPILS")),
        indicators=(
            Indicator("EDU_COST", "(EDU_EXPP - 1) / PUPILS"),
            Indicator("BAD", "EDU_EXP * * 2"),
            Indicator("ARGS", "if(PUPILS > 0, 1)"),
            Indicator("PUPILS", "1"),
            Indicator("RATIO", "EDU_EXP / PUPILS", numerator="EDU_EXP", denominator="PUPILZ"),
            Indicator("HALF", "1", numerator="EDU_EXP"),
            Indicator("null", "1"),
            Indicator("A-B", "1"),
        ),
    )
    with pytest.raises(CatalogueError) as caught:
        check_catalogue(cat)
    assert caught.value.problems == [
        "duplicate code PUPILS",
        "code null is a reserved word",
        "invalid code 'A-B': use letters, digits and _, starting with a letter",
        "indicator EDU_COST: unknown variable EDU_EXPP at column 2 (did you mean EDU_EXP?)",
        "indicator BAD: unexpected '*' at column 11",
        "indicator ARGS: if() takes 3 arguments, got 2 at column 1",
        "indicator RATIO denominator: unknown variable PUPILZ at column 1 (did you mean PUPILS?)",
        "indicator HALF: declare both a numerator and a denominator, or neither",
    ]
    assert isinstance(caught.value, ValueError)
    assert "8 problems" in str(caught.value)


def test_a_code_shared_by_a_variable_and_an_indicator_is_a_duplicate():
    with pytest.raises(CatalogueError) as caught:
        check_catalogue(catalogue({"B": "A * 2"}))
    assert caught.value.problems == ["duplicate code B"]


def test_a_catalogue_without_indicators_gives_no_rows():
    result = evaluate(frame([("a", 1, "A", 1.0)]), catalogue({}))
    assert (result.columns, result.height) == (COLUMNS, 0)


def test_cycles_are_reported_with_their_codes():
    cat = catalogue(
        {
            "A1": "B1 + 1",
            "B1": "C1 * 2",
            "C1": "A1 - 1",
            "SELF": "prev(SELF) + A",
            "DOWN": "A1",
            "OK": "A",
        }
    )
    with pytest.raises(CatalogueError) as caught:
        check_catalogue(cat)
    assert caught.value.problems == [
        "dependency cycle: A1 -> B1 -> C1 -> A1",
        "dependency cycle: SELF -> SELF",
    ]


def test_cycles_through_numerators_count():
    cat = catalogue({"X": ("A / B", "Y", "B"), "Y": "X + 1"})
    with pytest.raises(CatalogueError, match=r"dependency cycle: X -> Y -> X"):
        check_catalogue(cat)


def test_nothing_is_computed_from_a_broken_catalogue():
    with pytest.raises(CatalogueError, match="indicator X: unknown variable Q at column 5"):
        evaluate(frame([("a", 1, "A", 1.0)]), catalogue({"X": "A + Q", "Y": "A"}))


# --- dependents and re-evaluation ---------------------------------------------------------


CHAIN = {"R": ("A / B", "A", "B"), "S": "R * 2", "T": "C + 1", "U": "S + T", "V": "prev(D)"}
ROWS = [
    (unit, period, code, float(period + index))
    for unit in "ab"
    for period in (1, 2, 3)
    for index, code in enumerate(VARIABLES)
]


def test_dependents_are_transitive_and_in_evaluation_order():
    cat = catalogue(CHAIN)
    assert dependents(cat, ["A"]) == ["R", "S", "U"]
    assert dependents(cat, ["C", "D"]) == ["T", "V", "U"]
    assert dependents(cat, ["S"]) == ["S", "U"]  # an edited indicator is recomputed itself
    assert dependents(cat, ["NOT_A_CODE"]) == []


def test_reevaluate_equals_a_full_evaluation():
    cat = catalogue(CHAIN)
    previous = evaluate(frame(ROWS), cat)
    changed = frame([(u, p, v, 0.0 if v == "B" and p == 2 else x) for u, p, v, x in ROWS])
    assert_frame_equal(reevaluate(changed, cat, previous, ["B"]), evaluate(changed, cat))


def test_reevaluate_keeps_what_does_not_depend_on_the_change(monkeypatch):
    cat = catalogue(CHAIN)
    previous = evaluate(frame(ROWS), cat).with_columns(
        value=pl.when(pl.col("indicator") == "T").then(-999.0).otherwise("value")
    )
    compiled = []
    original = evaluation._indicator_exprs
    monkeypatch.setattr(
        evaluation,
        "_indicator_exprs",
        lambda code, *args: compiled.append(code) or original(code, *args),
    )
    result = reevaluate(frame(ROWS), cat, previous, ["A"])
    assert compiled == ["R", "S", "U"]
    values = result.filter(pl.col("indicator") == "T")["value"].unique().to_list()
    assert values == [-999.0]  # kept from previous, not recomputed
    assert result.filter(pl.col("indicator") == "U", pl.col("unit") == "a", pl.col("period") == 1)[
        "value"
    ].to_list() == [2 * 1 / 2 - 999.0]  # U read T from previous
    assert result.columns == COLUMNS
    assert result.height == previous.height


def test_reevaluate_keeps_flags_numerators_and_denominators():
    cat = catalogue(CHAIN)
    rows = [(u, p, v, 0.0 if v == "B" else x) for u, p, v, x in ROWS]
    previous = evaluate(frame(rows), cat)
    assert_frame_equal(reevaluate(frame(rows), cat, previous, ["C"]), previous)


def test_reevaluate_computes_what_previous_lacks():
    cat = catalogue(CHAIN)
    previous = evaluate(frame(ROWS), cat)
    grown = catalogue({**CHAIN, "W": "T * 10"})
    assert_frame_equal(reevaluate(frame(ROWS), grown, previous, []), evaluate(frame(ROWS), grown))
    more = frame([*ROWS, ("c", 3, "A", 1.0)])
    assert_frame_equal(reevaluate(more, cat, previous, []), evaluate(more, cat))


def test_reevaluate_of_empty_values():
    cat = catalogue(CHAIN)
    assert reevaluate(frame([]), cat, evaluate(frame(ROWS), cat), ["A"]).height == 0


# --- the vectorised evaluator against the reference loop -----------------------------------


def random_number(rng, depth, codes):
    if depth == 0 or rng.random() < 0.25:
        pick = rng.random()
        if pick < 0.65:
            return str(rng.choice(codes))
        if pick < 0.95:
            return str(rng.choice(["0", "1", "2", "0.5", "1000"]))
        return "null"
    kind = rng.choice(
        [
            "+",
            "-",
            "*",
            "/",
            "/",
            "neg",
            "if",
            "min",
            "max",
            "sum",
            "coalesce",
            "abs",
            "round",
            "prev",
        ]
    )
    sub = lambda: random_number(rng, depth - 1, codes)  # noqa: E731
    if kind in "+-*/":
        return f"({sub()} {kind} {sub()})"
    if kind == "neg":
        return f"-{sub()}"
    if kind == "if":
        return f"if({random_condition(rng, depth - 1, codes)}, {sub()}, {sub()})"
    if kind in ("min", "max", "sum", "coalesce"):
        return f"{kind}({', '.join(sub() for _ in range(int(rng.integers(2, 4))))})"
    if kind == "round":
        return f"round({sub()}, {int(rng.integers(-1, 3))})"
    return f"{kind}({sub()})"


def random_condition(rng, depth, codes):
    pick = rng.random()
    if depth > 0 and pick < 0.2:
        op = rng.choice(["and", "or"])
        left, right = (random_condition(rng, depth - 1, codes) for _ in range(2))
        return f"({left} {op} {right})"
    if depth > 0 and pick < 0.3:
        return f"not {random_condition(rng, depth - 1, codes)}"
    op = rng.choice(["<", "<=", ">", ">=", "=", "==", "!="])
    return f"{random_number(rng, depth, codes)} {op} {random_number(rng, depth, codes)}"


def random_programme(seed):
    rng = np.random.default_rng(seed)
    variables = ["V1", "V2", "V3", "V4", "V5"]
    indicators = []
    for number in range(12):
        codes = variables + [indicator.code for indicator in indicators]
        formula = random_number(rng, 3, codes)
        ratio = rng.random() < 0.25
        indicators.append(
            Indicator(
                f"I{number}",
                formula,
                numerator=random_number(rng, 1, codes) if ratio else None,
                denominator=random_number(rng, 1, codes) if ratio else None,
            )
        )
    cat = Catalogue(
        variables=tuple(Variable(code) for code in variables), indicators=tuple(indicators)
    )
    rows = []
    for unit in ["u3", "u1", "u2", "u4"]:
        for period in [2001, 2002, 2004, 2005]:  # 2003 has no values at all
            for variable in [*variables, "JUNK"]:
                if rng.random() < 0.15:
                    continue  # no row
                value = rng.choice([0.0, 0.0, 1.0, 2.0, -1.5, 3.25, 1e200, np.nan])
                rows.append((unit, period, variable, None if np.isnan(value) else float(value)))
    order = rng.permutation(len(rows))  # not sorted by unit: the general path
    return frame([rows[i] for i in order]), cat


@pytest.mark.parametrize("seed", range(25))
def test_vectorised_equals_the_reference_loop(seed):
    values, cat = random_programme(seed)
    assert_frame_equal(evaluate(values, cat), evaluate_naive(values, cat), check_exact=True)


def test_vectorised_equals_the_reference_loop_in_small_slices(monkeypatch):
    monkeypatch.setattr(grid, "_SLICE_ROWS", 7)  # many slices, on several threads
    for seed in range(3):
        values, cat = random_programme(seed)
        ordered = values.sort("unit", "period", "variable")  # sorted: the grouped path
        assert_frame_equal(evaluate(ordered, cat), evaluate_naive(ordered, cat), check_exact=True)
        assert_frame_equal(evaluate(values, cat), evaluate_naive(values, cat), check_exact=True)


def test_the_reference_loop_refuses_duplicates_too():
    rows = [("a", 2020, "A", 1.0), ("a", 2020, "A", 2.0)]
    with pytest.raises(ValueError, match="2 values for unit a, period 2020, variable A"):
        evaluate_naive(frame(rows), catalogue({"X": "A"}))


def test_codes_that_share_hash_slots_fall_back_to_an_exact_lookup(monkeypatch):
    codes = pl.Series(["A", "B", "C"])
    lookup = grid._Lookup(codes, verify=True)
    lookup.seed = -1  # as if no seed separated them
    assert lookup.find(pl.Series(["C", "Z", "A", "A"])).tolist() == [2, 3, 0, 0]


@pytest.mark.parametrize("seed", range(5))
def test_reevaluate_equals_a_full_evaluation_on_random_programmes(seed):
    values, cat = random_programme(seed)
    changed = ["V2", "V4"]
    edited = values.with_columns(
        value=pl.when(pl.col("variable").is_in(changed))
        .then(pl.col("value") * 2 - 1)
        .otherwise("value")
    )
    previous = evaluate(values, cat)
    assert_frame_equal(
        reevaluate(edited, cat, previous, changed), evaluate(edited, cat), check_exact=True
    )


def test_categorical_codes_give_the_same_result_as_strings():
    # Large programmes hand codes over as Categorical; unknown codes are still ignored.
    values = pl.DataFrame(
        {
            "unit": ["B", "A", "A", "B", "A", "B"],
            "period": [2024, 2024, 2024, 2024, 2023, 2024],
            "variable": ["X", "X", "Y", "Y", "X", "NOT_IN_CATALOGUE"],
            "value": [4.0, 1.0, 2.0, 0.0, 3.0, 9.0],
        }
    )
    catalogue = Catalogue(
        variables=(Variable("X"), Variable("Y")),
        indicators=(Indicator("R", "X / Y"), Indicator("G", "X - prev(X)")),
    )
    as_categories = values.with_columns(pl.col("unit", "variable").cast(pl.Categorical()))
    expected = evaluate(values, catalogue)
    from_categories = evaluate(as_categories, catalogue)
    schema = from_categories.schema
    assert schema["unit"] == schema["indicator"] == schema["flag"] == pl.Categorical
    assert_frame_equal(
        from_categories.with_columns(pl.col("unit", "indicator", "flag").cast(pl.String)), expected
    )
    assert expected.filter(pl.col("indicator") == "R")["flag"].to_list().count("div0") == 1


def test_categorical_codes_from_a_mapping_far_larger_than_the_values():
    # A long-running process may have cast many other codes into the same categories:
    # only the codes the values use are then looked up, with the same result.
    categories = pl.Categorical(pl.Categories("benchlearn_test_large_mapping"))
    other_codes = pl.Series([f"OTHER{n}" for n in range(70_000)]).cast(categories)
    values = frame([("a", 1, "A", 6.0), ("b", 1, "A", 3.0), ("a", 1, "Z", 1.0)])
    as_categories = values.with_columns(pl.col("unit", "variable").cast(categories))
    result = evaluate(as_categories, catalogue({"X": "A / 3"}))
    assert len(other_codes) == 70_000  # kept alive: the mapping holds them
    assert result.select(pl.col("unit").cast(pl.String), "value").rows() == [("a", 2.0), ("b", 1.0)]
