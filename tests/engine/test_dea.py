"""DEA against published results, the full LP, and its own identities."""

import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from scipy.optimize import linprog

from benchlearn.engine.dea import dea, dea_table, peers_text

# --- published example 1: DEAP 2.1, example 1 -------------------------------------------
# Source: T. Coelli (1996), "A Guide to DEAP Version 2.1: A Data Envelopment Analysis
# (Computer) Program", CEPA Working Paper 96/08, University of New England; the example
# output file eg1-out.txt ("Input orientated DEA, Scale assumption: CRS, slacks calculated
# using multi-stage method"), stored copy: http://jthuang.nccu.edu.tw/filedownload/495:EG1-out.txt
# The data (eg1-dta.txt: 5 firms, 1 output, 2 inputs) are read back from that printed
# output, which determines them exactly: each output equals its printed output target (no
# output slacks) and each input is (printed input target + input slack) / te.
EG1 = pl.DataFrame(
    {
        "firm": [1, 2, 3, 4, 5],
        "y": [1.0, 2.0, 3.0, 1.0, 2.0],
        "x1": [2.0, 2.0, 6.0, 3.0, 6.0],
        "x2": [5.0, 4.0, 6.0, 2.0, 2.0],
    }
)
EG1_TE = [0.500, 1.000, 0.833, 0.714, 1.000]  # eg1-out.txt, "EFFICIENCY SUMMARY"
EG1_SLACK_X2 = [0.500, 0.000, 0.000, 0.000, 0.000]  # "SUMMARY OF INPUT SLACKS", input 2
EG1_PEER_WEIGHTS = {  # "SUMMARY OF PEERS" and "SUMMARY OF PEER WEIGHTS"
    1: {2: 0.500},
    2: {2: 1.000},
    3: {5: 0.500, 2: 1.000},
    4: {5: 0.286, 2: 0.214},
    5: {5: 1.000},
}
EG1_INPUT_TARGETS = [  # "SUMMARY OF INPUT TARGETS"
    (1.000, 2.000),
    (2.000, 4.000),
    (5.000, 5.000),
    (2.143, 1.429),
    (6.000, 2.000),
]

# --- published example 2: DataEnvelopmentAnalysis.jl ("FLS Book data") ----------------------
# Source: J. Barbero and J. L. Zofío, DataEnvelopmentAnalysis.jl, documented examples in
# docs/src/technical/radial.md (jldoctest output of dea(X, Y, ...)) and the values pinned
# in test/dea.jl ("Test Radial DEA Models with FLS Book data ... Test against results with
# R"), repository javierbarbero/DataEnvelopmentAnalysis.jl. 11 DMUs, 2 inputs, 1 output.
FLS = pl.DataFrame(
    {
        "dmu": list(range(1, 12)),
        "x1": [5, 16, 16, 17, 18, 23, 25, 27, 37, 42, 5],
        "x2": [13, 12, 26, 15, 14, 6, 10, 22, 14, 25, 17],
        "y": [12, 14, 25, 26, 8, 9, 27, 30, 31, 26, 12],
    }
)
# radial.md, dea(X, Y, orient = :Input, rts = :CRS), column "efficiency" (6 digits shown);
# test/dea.jl gives the same to 10 digits.
FLS_CRS_INPUT = [1.0, 0.62229, 0.819856, 1.0, 0.310371, 0.555556]
FLS_CRS_INPUT += [1.0, 0.757669, 0.820106, 0.490566, 1.0]
# test/dea.jl, efficiency(deaoo) for orient = :Output, rts = :CRS (φ).
FLS_CRS_OUTPUT_PHI = [1.0, 1.606968641, 1.219726027, 1.0, 3.221951220, 1.8]
FLS_CRS_OUTPUT_PHI += [1.0, 1.319837398, 1.219354839, 2.038461538, 1.0]
# radial.md, efficiency(deaiovrs) for orient = :Input, rts = :VRS (full precision).
FLS_VRS_INPUT = [1.0, 0.8699861687413553, 1.0, 1.0, 0.7116402116402116, 1.0]
FLS_VRS_INPUT += [1.0, 1.0, 1.0, 0.4931209268645909, 1.0]
# radial.md, dea(X, Y, orient = :Output, rts = :VRS), column "efficiency" (φ).
FLS_VRS_OUTPUT_PHI = [1.0, 1.50752, 1.0, 1.0, 3.20395, 1.0, 1.0, 1.0, 1.0, 1.19231, 1.0]


def fls(rts, orientation):
    return dea(FLS, id="dmu", inputs=["x1", "x2"], outputs=["y"], rts=rts, orientation=orientation)


def column(result, name):
    return result.scores[name].to_list()


def peer_weights(result, unit):
    rows = result.peers.filter(pl.col("id") == unit)
    return dict(zip(rows["peer"].to_list(), rows["lambda"].to_list(), strict=True))


# --- published: DEAP example 1 (CRS, input orientation) ------------------------------------


def test_deap_example_1_technical_efficiency():
    result = dea(EG1, id="firm", inputs=["x1", "x2"], outputs=["y"])
    # DEAP prints 3 decimals: equal at the published precision.
    assert [round(value, 3) for value in column(result, "efficiency")] == EG1_TE
    assert column(result, "efficient") == [False, True, False, False, True]


def test_deap_example_1_slacks_peers_and_targets():
    result = dea(EG1, id="firm", inputs=["x1", "x2"], outputs=["y"])
    assert [round(value, 3) for value in column(result, "slack_x2")] == EG1_SLACK_X2
    assert column(result, "slack_x1") == [0.0] * 5
    assert column(result, "slack_y") == [0.0] * 5
    for firm, published in EG1_PEER_WEIGHTS.items():
        weights = peer_weights(result, firm)
        assert {peer: round(weight, 3) for peer, weight in weights.items()} == published
    targets = result.scores.join(EG1, left_on="id", right_on="firm").select(
        (pl.col("theta") * pl.col("x1") - pl.col("slack_x1")).round(3).alias("x1"),
        (pl.col("theta") * pl.col("x2") - pl.col("slack_x2")).round(3).alias("x2"),
    )
    assert targets.rows() == EG1_INPUT_TARGETS


def test_deap_example_1_table_for_the_cli():
    table = dea_table(dea(EG1, id="firm", inputs=["x1", "x2"], outputs=["y"]))
    assert table.columns == ["id", "efficiency", "peers", "slack_x1", "slack_x2", "slack_y"]
    # Peers by decreasing λ, 4 decimals (DEAP: firm 3 peers 5 and 2, weights 0.500 1.000).
    assert table["peers"].to_list() == [
        "2:0.5000",
        "2:1.0000",
        "2:1.0000;5:0.5000",
        "5:0.2857;2:0.2143",
        "5:1.0000",
    ]


# --- published: DataEnvelopmentAnalysis.jl, FLS data (CRS and VRS, both orientations) ------


def test_fls_crs_input_orientation():
    result = fls("crs", "input")
    assert column(result, "theta") == pytest.approx(FLS_CRS_INPUT, abs=1e-5)
    # radial.md: slackX1 4.44444 for DMU 6 and 1.64021 for DMU 9, slackX2 4.0 for DMU 11.
    assert column(result, "slack_x1") == pytest.approx(
        [0, 0, 0, 0, 0, 4.44444, 0, 0, 1.64021, 0, 0], abs=1e-5
    )
    assert column(result, "slack_x2") == pytest.approx([0] * 10 + [4.0], abs=1e-9)
    assert column(result, "slack_y") == [0.0] * 11
    # test/dea.jl, peers(deaio), rows 3 and 10.
    assert peer_weights(result, 3) == pytest.approx({1: 1.134321653, 4: 0.4380053908})
    assert peer_weights(result, 10) == pytest.approx({4: 0.4905660377, 7: 0.49056603774})


def test_fls_crs_output_orientation():
    result = fls("crs", "output")
    assert column(result, "phi") == pytest.approx(FLS_CRS_OUTPUT_PHI, abs=1e-8)
    # test/dea.jl, slacks(deaoo, :X): 8 for DMU 6 and 2 for DMU 9 (x1), 4 for DMU 11 (x2).
    assert column(result, "slack_x1") == pytest.approx([0, 0, 0, 0, 0, 8, 0, 0, 2, 0, 0])
    assert column(result, "slack_x2") == pytest.approx([0] * 10 + [4])
    assert peer_weights(result, 8) == pytest.approx({4: 1.3658536585, 7: 0.1512195122})


def test_fls_vrs_input_orientation():
    result = fls("vrs", "input")
    assert column(result, "theta") == pytest.approx(FLS_VRS_INPUT, abs=1e-9)
    # radial.md: slackY1 2.69841 for DMU 5, slackX2 4.0 for DMU 11.
    assert column(result, "slack_y") == pytest.approx([0] * 4 + [2.69841] + [0] * 6, abs=1e-5)
    assert column(result, "slack_x2") == pytest.approx([0] * 10 + [4.0])
    # test/dea.jl, peers(deaiovrs), rows 2 and 10.
    assert peer_weights(result, 2) == pytest.approx(
        {1: 0.52558782849, 6: 0.2842323651, 7: 0.1901798064}
    )
    assert peer_weights(result, 10) == pytest.approx(
        {1: 0.03711078928, 4: 0.4433381608, 7: 0.5195510500}
    )


def test_fls_vrs_output_orientation():
    result = fls("vrs", "output")
    assert column(result, "phi") == pytest.approx(FLS_VRS_OUTPUT_PHI, abs=1e-5)
    assert column(result, "efficiency") == pytest.approx(
        [1 / phi for phi in FLS_VRS_OUTPUT_PHI], abs=1e-5
    )
    # radial.md: DMU 10 has slackX1 5.0 and slackX2 11.0, DMU 11 slackX2 4.0.
    assert column(result, "slack_x1") == pytest.approx([0] * 9 + [5, 0])
    assert column(result, "slack_x2") == pytest.approx([0] * 9 + [11, 4])
    assert peer_weights(result, 10) == pytest.approx({9: 1.0})


# --- identities --------------------------------------------------------------------------


def random_units(seed, units=40):
    rng = np.random.default_rng(seed)
    x = rng.uniform(1, 100, (units, 2))
    y = rng.uniform(1, 50, (units, 2)) * np.sqrt(x.prod(axis=1, keepdims=True)) / 30
    return pl.DataFrame(
        {"unit": [f"U{k:02d}" for k in range(units)], "x1": x[:, 0], "x2": x[:, 1]}
        | {"y1": y[:, 0], "y2": y[:, 1]}
    )


def run(data, rts, orientation):
    return dea(
        data, id="unit", inputs=["x1", "x2"], outputs=["y1", "y2"], rts=rts, orientation=orientation
    )


@pytest.mark.parametrize("data", [random_units(1), random_units(2)])
def test_crs_output_efficiency_equals_crs_input_efficiency(data):
    by_input = run(data, "crs", "input")
    by_output = run(data, "crs", "output")
    assert column(by_output, "efficiency") == pytest.approx(column(by_input, "efficiency"))
    assert column(by_output, "phi") == pytest.approx([1 / t for t in column(by_input, "theta")])


@pytest.mark.parametrize("orientation", ["input", "output"])
def test_vrs_efficiency_is_at_least_crs_efficiency(orientation):
    data = random_units(3)
    crs = np.array(column(run(data, "crs", orientation), "efficiency"))
    vrs = np.array(column(run(data, "vrs", orientation), "efficiency"))
    assert (vrs >= crs - 1e-9).all()
    assert (crs > 0).all() and (vrs <= 1).all()


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_efficient_units_are_their_own_only_peer(rts, orientation):
    result = run(random_units(4), rts, orientation)
    efficient = result.scores.filter("efficient")
    assert efficient.height > 0
    peers = result.peers.filter(pl.col("id").is_in(efficient["id"].implode()))
    assert peers["id"].to_list() == efficient["id"].to_list()
    assert peers["peer"].to_list() == efficient["id"].to_list()
    assert peers["lambda"].to_list() == [1.0] * efficient.height
    assert (efficient["efficiency"] == 1.0).all()


def test_peers_are_efficient_units_that_reproduce_the_target():
    data = random_units(5)
    result = run(data, "vrs", "input")
    efficient = set(result.scores.filter("efficient")["id"])
    assert set(result.peers["peer"]) <= efficient
    values = {row[0]: np.array(row[1:]) for row in data.iter_rows()}
    for row in result.scores.iter_rows(named=True):
        weights = peer_weights(result, row["id"])
        target = sum(weight * values[peer] for peer, weight in weights.items())
        x0, y0 = values[row["id"]][:2], values[row["id"]][2:]
        slack_x = np.array([row["slack_x1"], row["slack_x2"]])
        slack_y = np.array([row["slack_y1"], row["slack_y2"]])
        assert target[:2] == pytest.approx(row["theta"] * x0 - slack_x, rel=1e-6, abs=1e-6)
        assert target[2:] == pytest.approx(y0 + slack_y, rel=1e-6, abs=1e-6)
        assert sum(weights.values()) == pytest.approx(1.0)


def test_weakly_efficient_unit_reports_its_slacks():
    # Computed by hand (not published): under VRS, DEAP firm 1 (x = 2, 5; y = 1) cannot
    # shrink x1 below firm 2's 2, so θ = 1, but firm 2 (x = 2, 4; y = 2) uses 1 less of x2
    # and makes 1 more y: weakly efficient, slacks 1 and 1, peer firm 2.
    result = dea(EG1, id="firm", inputs=["x1", "x2"], outputs=["y"], rts="vrs")
    first = result.scores.row(0, named=True)
    assert first["theta"] == 1.0
    assert (first["efficient"], first["weakly_efficient"]) == (False, True)
    assert (first["slack_x1"], first["slack_x2"], first["slack_y"]) == pytest.approx((0, 1, 1))
    assert peer_weights(result, 1) == pytest.approx({2: 1.0})
    assert column(result, "efficient")[1:] == [True] * 4


# --- the accelerated model equals the full envelopment LP --------------------------------


def full_lp(x, y, unit, rts, orientation):
    """θ (or φ) and the largest slack sum, from the LP with every unit's λ, via SciPy."""
    units, m, s = x.shape[0], x.shape[1], y.shape[1]
    # Variables: score, λ (units), input slacks (m), output slacks (s); equality rows.
    a = np.zeros((m + s + 1, 1 + units + m + s))
    b = np.zeros(m + s + 1)
    a[:m, 1 : 1 + units], a[:m, 1 + units : 1 + units + m] = x.T, np.eye(m)
    a[m : m + s, 1 : 1 + units], a[m : m + s, 1 + units + m :] = y.T, -np.eye(s)
    if orientation == "input":
        a[:m, 0], b[m : m + s] = -x[unit], y[unit]
    else:
        a[m : m + s, 0], b[:m] = -y[unit], x[unit]
    a[m + s, 1 : 1 + units], b[m + s] = 1.0, 1.0
    rows = slice(None) if rts == "vrs" else slice(0, m + s)
    cost = np.zeros(a.shape[1])
    cost[0] = 1.0 if orientation == "input" else -1.0
    first = linprog(cost, A_eq=a[rows], b_eq=b[rows], bounds=(0, None), method="highs")
    score = first.x[0]
    cost = np.r_[0.0, np.zeros(units), -np.ones(m + s)]
    bounds = [(score, score)] + [(0, None)] * (a.shape[1] - 1)
    second = linprog(cost, A_eq=a[rows], b_eq=b[rows], bounds=bounds, method="highs")
    return score, -second.fun


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
def test_same_optimum_as_the_full_lp(rts, orientation):
    data = random_units(6, units=60)
    x = data.select("x1", "x2").to_numpy()
    y = data.select("y1", "y2").to_numpy()
    result = run(data, rts, orientation)
    score_name = "theta" if orientation == "input" else "phi"
    slack_sums = result.scores.select(pl.sum_horizontal(pl.col("^slack_.*$"))).to_series()
    for unit in range(data.height):
        score, slack_sum = full_lp(x, y, unit, rts, orientation)
        assert result.scores[score_name][unit] == pytest.approx(score, abs=1e-7)
        assert slack_sums[unit] == pytest.approx(slack_sum, abs=1e-4)


# --- exclusions -------------------------------------------------------------------------


def test_units_that_cannot_be_scored_are_reported_not_dropped():
    data = pl.concat(
        [
            FLS,
            pl.DataFrame(
                {
                    "dmu": [12, 13, 14, 15, 16, 17],
                    "x1": [None, 0, -3, 10, 10, 10],
                    "x2": [10, 10, 10, 10, 10, None],
                    "y": [5, 5, 5, -1, 0, None],
                }
            ),
        ]
    )
    result = dea(data, id="dmu", inputs=["x1", "x2"], outputs=["y"])
    assert dict(result.excluded.iter_rows()) == {
        12: "missing value in 'x1'",
        13: "zero input 'x1'",
        14: "negative input 'x1'",
        15: "negative output 'y'",
        16: "all outputs are zero",
        17: "missing value in 'x2'; missing value in 'y'",
    }
    assert result.scores["id"].to_list() == list(range(1, 12))
    assert set(result.peers["peer"]) <= set(range(1, 12))
    # The others are scored exactly as without the excluded rows.
    assert column(result, "theta") == pytest.approx(FLS_CRS_INPUT, abs=1e-5)


def test_nan_counts_as_missing_and_a_single_zero_output_is_allowed():
    data = random_units(7, units=10).with_columns(
        pl.when(pl.col("unit") == "U01").then(float("nan")).otherwise(pl.col("x2")).alias("x2"),
        pl.when(pl.col("unit") == "U02").then(0.0).otherwise(pl.col("y1")).alias("y1"),
    )
    result = run(data, "vrs", "output")
    assert result.excluded.rows() == [("U01", "missing value in 'x2'")]
    assert "U02" in result.scores["id"].to_list()
    assert result.excluded.columns == ["id", "reason"]


def test_nothing_excluded_gives_an_empty_frame():
    result = fls("crs", "input")
    assert result.excluded.height == 0
    assert result.excluded.columns == ["id", "reason"]


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"inputs": ["x1", "x9"]}, "unknown column(s): x9"),
        ({"id": "name"}, "unknown column(s): name"),
        ({"inputs": []}, "at least one input"),
        ({"outputs": []}, "at least one output"),
        ({"outputs": ["x1"]}, "used more than once"),
        ({"rts": "drs"}, "rts must be 'crs' or 'vrs'"),
        ({"orientation": "graph"}, "orientation must be 'input' or 'output'"),
        ({"inputs": ["label"]}, "must be numeric: label"),
    ],
)
def test_bad_arguments_are_refused(arguments, message):
    data = FLS.with_columns(pl.lit("a").alias("label"))
    call = {"id": "dmu", "inputs": ["x1", "x2"], "outputs": ["y"]} | arguments
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        dea(data, **call)


def test_duplicated_and_missing_ids_are_refused():
    twice = pl.concat([FLS, FLS.head(2)])
    with pytest.raises(ValueError, match=r"duplicated id\(s\) in 'dmu': 1, 2"):
        dea(twice, id="dmu", inputs=["x1", "x2"], outputs=["y"])
    missing = FLS.with_columns(pl.when(pl.col("dmu") == 3).then(None).otherwise("dmu").alias("dmu"))
    with pytest.raises(ValueError, match="missing value"):
        dea(missing, id="dmu", inputs=["x1", "x2"], outputs=["y"])


def test_fewer_than_two_usable_units_are_refused():
    data = FLS.head(3).with_columns(pl.Series("x1", [5, 0, None]))
    with pytest.raises(ValueError, match=r"at least 2 units .* found 1 \(2 excluded\)"):
        dea(data, id="dmu", inputs=["x1", "x2"], outputs=["y"])


# --- output -----------------------------------------------------------------------------


def test_score_columns_and_text_peers():
    result = fls("vrs", "output")
    assert result.scores.columns == [
        "id",
        "efficiency",
        "phi",
        "efficient",
        "weakly_efficient",
        "slack_x1",
        "slack_x2",
        "slack_y",
    ]
    assert result.peers.columns == ["id", "peer", "lambda"]
    text = peers_text(result)
    assert text.columns == ["id", "efficiency", "peers"]
    assert text.row(9) == (10, pytest.approx(1 / 1.19231, abs=1e-5), "9:1.0000")


def test_solver_prints_nothing():
    # HiGHS prints a banner when a process creates its first solver; the CLI's output must
    # stay clean, so run in a fresh process.
    code = (
        "import polars as pl\n"
        "from benchlearn.engine.dea import dea\n"
        "d = pl.DataFrame({'u': [1, 2, 3], 'x': [1.0, 2.0, 3.0], 'y': [1.0, 3.0, 2.0]})\n"
        "dea(d, id='u', inputs=['x'], outputs=['y'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == ""
