"""DEA models chosen by an operator, scored at every computation against a reference set
large enough for the model; the efficiency page names the unit's efficient peers, says
in plain words why no score is shown where the set is too small, and is not offered to
units without the model's data."""

import re

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from benchlearn import charts
from benchlearn.catalogue.models import Variable
from benchlearn.collection.selectors import values_frame
from benchlearn.engine.dea import dea, min_units
from benchlearn.results.efficiency import efficiency_store
from benchlearn.results.models import EfficiencyModel, EfficiencyScore, Reference
from benchlearn.results.pages.efficiency import reason_text
from benchlearn.results.services import (
    EfficiencyModelError,
    computation_request,
    computation_run,
    efficiency_model_save,
)
from benchlearn.units.models import Unit
from benchlearn.units.services import context_values_store
from tests.conftest import client_for, load_units

RURAL = [  # rural gminas (gw) of śląskie and małopolskie
    "2402022",
    "2402032",
    "2402062",
    "2403042",
    "2403052",
    "2403072",
    "2403082",
    "2403092",
    "2403122",
    "2410012",
]
CITIES = ["2461011", "2466011", "2473011"]  # cities with county rights (mnpp)


def save(operator, **changes):
    arguments = {
        "user": operator,
        "code": "edu-cost",
        "name_pl": "Koszt oświaty",
        "inputs": ["EDU_EXP"],
        "outputs": ["TEACHERS"],
        "rts": "vrs",
        "orientation": "input",
        "reference": Reference.ALL,
    }
    return efficiency_model_save(**(arguments | changes))


# --- the rule of thumb and the reference set ----------------------------------------------


@pytest.mark.parametrize(
    "inputs, outputs, needed",
    [(1, 1, 6), (1, 2, 9), (2, 2, 12), (4, 4, 24), (5, 5, 30), (6, 6, 36), (7, 7, 49), (2, 9, 33)],
)
def test_the_rule_of_thumb_is_the_larger_of_m_times_s_and_three_times_m_plus_s(
    inputs, outputs, needed
):
    assert min_units(inputs, outputs) == needed


def test_the_rule_of_thumb_needs_inputs_and_outputs():
    with pytest.raises(ValueError, match="at least one input and one output"):
        min_units(0, 2)


def _figures(teryts, period=2024, *, skip=()):
    """A value frame as the computation reads it: three made-up figures per unit."""
    rows = []
    for n, teryt in enumerate(teryts):
        figures = {
            "EDU_EXP": 1_000.0 + 37 * n * n % 400,
            "TEACHERS": 10.0 + n,
            "NEW_PUPILS": 5.0 + (n * 7) % 11,
        }
        for code, value in figures.items():
            rows.append((teryt, period, code, None if (teryt, code) in skip else value))
    return pl.DataFrame(rows, schema=["unit", "period", "variable", "value"], orient="row")


NO_RESULTS = pl.DataFrame(
    schema={"unit": pl.String, "period": pl.Int64, "indicator": pl.String, "value": pl.Float64}
)


@pytest.fixture
def reference_units(db):
    load_units(*RURAL, *CITIES)
    units = Unit.objects.filter(teryt__in=[*RURAL, *CITIES])
    return {u.teryt: u for u in units}


def _store(operator, units, values, **model):
    saved = save(operator, code="m", outputs=["TEACHERS", "NEW_PUPILS"], **model)  # needs 9
    computation = computation_request(user=operator)
    efficiency_store(
        computation,
        values,
        NO_RESULTS,
        {t: u.pk for t, u in units.items()},
        {t: u.kind for t, u in units.items()},
    )
    return {
        s.unit.teryt: s for s in EfficiencyScore.objects.filter(model=saved).select_related("unit")
    }


def test_each_unit_is_scored_against_the_units_of_its_kind(published, operator, reference_units):
    assert {reference_units[t].kind for t in RURAL} == {"gw"}
    assert {reference_units[t].kind for t in CITIES} == {"mnpp"}
    scores = _store(
        operator, reference_units, _figures([*RURAL[:9], *CITIES]), reference=Reference.KIND
    )
    # Nine rural gminas: exactly what 1 input and 2 outputs need (the boundary).
    rural = [scores[t] for t in RURAL[:9]]
    assert all(s.score is not None and 0 < s.score <= 1 for s in rural)
    assert {(s.reference_size, s.reference_needed) for s in rural} == {(9, 9)}
    expected = dea(
        _figures(RURAL[:9]).pivot(on="variable", index="unit", values="value"),
        id="unit",
        inputs=["EDU_EXP"],
        outputs=["TEACHERS", "NEW_PUPILS"],
        rts="vrs",
    )
    for teryt, score in expected.scores.select("id", "efficiency").iter_rows():
        assert scores[teryt].score == pytest.approx(score)
    # Three cities: too few for a frontier of their own; none is scored, and each says so.
    cities = [scores[t] for t in CITIES]
    assert all(s.score is None and s.too_few and not s.efficient for s in cities)
    assert {(s.reference_size, s.reference_needed) for s in cities} == {(3, 9)}
    assert RURAL[9] not in scores  # no data, no row


def test_one_unit_below_the_rule_of_thumb_nobody_of_the_set_is_scored(
    published, operator, reference_units
):
    # Nine rural gminas with figures, but one without a figure: eight complete, one short.
    values = _figures(RURAL[:9], skip={(RURAL[0], "NEW_PUPILS")})
    scores = _store(operator, reference_units, values, reference=Reference.KIND)
    assert RURAL[0] not in scores  # incomplete: nothing about the model
    assert len(scores) == 8
    assert all(s.score is None and s.too_few for s in scores.values())
    assert {(s.reference_size, s.reference_needed) for s in scores.values()} == {(8, 9)}


def test_zero_inputs_do_not_count_towards_the_reference_set(published, operator, reference_units):
    values = _figures(RURAL[:9]).with_columns(
        pl.when((pl.col("unit") == RURAL[1]) & (pl.col("variable") == "EDU_EXP"))
        .then(0.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    scores = _store(operator, reference_units, values, reference=Reference.KIND)
    assert scores[RURAL[1]].excluded == "zero input 'EDU_EXP'"
    assert all(s.score is None and s.reference_size == 8 for s in scores.values())


def test_the_operator_may_draw_the_frontier_from_every_unit(published, operator, reference_units):
    scores = _store(
        operator, reference_units, _figures([*RURAL[:6], *CITIES]), reference=Reference.ALL
    )
    assert len(scores) == 9
    assert all(s.score is not None and s.reference_size == 9 for s in scores.values())


def test_why_a_unit_is_not_scored_reads_in_polish():
    with translation.override("pl"):
        assert reason_text("zero input 'EDU_EXP'; missing value in 'TEACHERS'") == (
            "EDU_EXP wynosi zero; brak wartości TEACHERS"
        )
        assert reason_text("all outputs are zero") == "wszystkie wyniki są zerowe"


# --- scores and the frontier on screen ---------------------------------------------------


@pytest.mark.parametrize(
    "score, frontier, text",
    [
        (1.0, True, "1,000"),
        (0.5, False, "0,500"),
        (0.9996, False, "0,9996"),  # three decimals would read 1,000
        (0.99999949, False, "0,999999"),
        (1.0, False, "≈ 1"),  # a score of 1 with slack: off the frontier
        (None, False, "—"),
    ],
)
def test_a_score_never_reads_as_the_frontier_when_it_is_off_it(score, frontier, text):
    with translation.override("pl"):
        assert charts.score_text(score, frontier) == text
        flag = charts.frontier_text(score, frontier)
    on, off = "na granicy efektywności", "poza granicą"
    assert flag == ("" if score is None else on if frontier else off)


def test_chart_and_table_read_the_same_scores_on_the_same_scale():
    chart = charts.efficiency_chart(
        title="t",
        items=[
            charts.EfficiencyItem("A", 1.0, True, True),
            charts.EfficiencyItem("B", 1.0, False),
            charts.EfficiencyItem("C", 0.42, False),
        ],
    )
    layers = chart.spec["layer"]
    assert layers[0]["encoding"]["x"]["axis"]["format"] == ".1f"  # 0–1, not per cent
    texts = [row["text"] for row in chart.spec["data"]["values"]]
    assert texts == [row.cells[2] for row in chart.table.rows]
    frontier = [row.cells[3] for row in chart.table.rows]
    assert frontier == ["on the frontier", "off the frontier", "off the frontier"]
    assert texts[1] == "≈ 1"


# --- the model on the unit's pages --------------------------------------------------------


def test_scores_are_the_engines_for_every_period(computed_programme, operator):
    model = save(operator)
    computation = computation_run(computation_request(user=operator).pk)
    values = values_frame(
        periods=[2024],
        units=computed_programme["units"],
        variables=Variable.objects.filter(code__in=["EDU_EXP", "TEACHERS"]),
    )
    wide = values.pivot(on="variable", index="unit", values="value").drop_nulls()
    expected = dea(wide, id="unit", inputs=["EDU_EXP"], outputs=["TEACHERS"], rts="vrs")
    stored = {
        s.unit.teryt: s
        for s in EfficiencyScore.objects.filter(
            computation=computation, model=model, period=2024
        ).select_related("unit")
    }
    assert len(stored) == 7  # unit C's 2024 values are a draft
    for teryt, score, efficient in expected.scores.select(
        "id", "efficiency", "efficient"
    ).iter_rows():
        assert stored[teryt].score == pytest.approx(score)
        assert stored[teryt].efficient == efficient
    assert {s.period for s in EfficiencyScore.objects.filter(model=model)} == {2023, 2024}


def test_efficiency_page_shows_the_peers_to_learn_from_named_only_where_names_are(
    computed_programme, operator
):
    from benchlearn.accounts.models import User
    from benchlearn.units.models import Level
    from benchlearn.units.services import unit_membership_set

    # Constant returns to scale: here one unit is the frontier and the others learn from it.
    model = save(operator, code="edu-crs", rts="crs")
    computation = computation_run(computation_request(user=operator).pk)
    learner = next(
        s
        for s in EfficiencyScore.objects.filter(computation=computation, model=model, period=2024)
        if s.score is not None and not s.efficient and s.peers
    )
    peers = [Unit.objects.get(pk=pk) for pk, _weight in learner.peers]
    url = f"/units/{learner.unit.teryt}/efficiency/{model.code}/?group=all&year=2024"

    named = client_for(operator).get(url).content.decode()
    shown = charts.score_text(learner.score, False)
    assert shown in named
    assert "off the frontier" in named
    for peer in peers:
        assert f'<a href="/units/{peer.teryt}/">{peer.name}</a>' in named

    clerk = User.objects.create_user(email="urzednik@example.org", full_name="Urszula Urzędnik")
    unit_membership_set(user=clerk, unit=learner.unit, level=Level.OPERATIONAL)
    hidden = client_for(clerk).get(url).content.decode()
    assert shown in hidden
    for peer in peers:
        assert peer.name not in hidden and f"/units/{peer.teryt}/" not in hidden
    assert "Names are hidden in this comparison" in hidden
    assert "Other units are shown as letters" in hidden


def _efficiency_rows(html: str) -> list[tuple[str, str]]:
    """The (unit, score) rows of the page's efficiency table, in order."""
    table = html[html.index('id="efficiency-table"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<tr(?: class="own")?>\s*<td>(.*?)</td>\s*<td class="num">(.*?)</td>', table)


def test_letters_are_the_same_for_every_viewer_and_run_down_the_table(computed_programme, operator):
    from benchlearn.accounts.models import User
    from benchlearn.units.models import Level
    from benchlearn.units.services import unit_membership_set

    model = save(operator, code="edu-crs", rts="crs")
    computation_run(computation_request(user=operator).pk)
    scored = EfficiencyScore.objects.filter(model=model, period=2024, score__isnull=False)
    units = [score.unit for score in scored.select_related("unit").order_by("unit__teryt")[:2]]
    tables, columns = [], []
    for number, unit in enumerate(units):
        # Two viewers of the same comparison, from two of its units, with names hidden.
        clerk = User.objects.create_user(email=f"urzednik{number}@example.org", full_name="U")
        unit_membership_set(user=clerk, unit=unit, level=Level.OPERATIONAL)
        url = f"/units/{unit.teryt}/efficiency/{model.code}/?group=all&year=2024"
        html = client_for(clerk).get(url).content.decode()
        assert "Other units are shown as letters" in html
        rows = _efficiency_rows(html)
        tables.append([label for label, _score in rows])
        # The most efficient first: the scores fall down the table.
        scores = [float(text.strip("≈ ")) for _label, text in rows]
        assert scores == sorted(scores, reverse=True)
        columns.append(scores)
    assert columns[0] == columns[1]  # the same units in the same order for both
    first, second = tables
    places = [table.index(unit.name) for table, unit in zip(tables, units, strict=True)]
    letters = [chr(ord("A") + i) for i in range(len(first))]
    assert len(first) > 3 and len(first) == len(second)
    # A, B, C… down the table, the viewer's own unit (by name) in its letter's place; and
    # each unit under the same letter for both viewers.
    assert first == [units[0].name if i == places[0] else letters[i] for i in range(len(first))]
    assert second == [units[1].name if i == places[1] else letters[i] for i in range(len(first))]


def test_too_small_a_set_shows_why_in_polish_and_no_score(
    computed_programme, operator, participant_a, settings
):
    model = save(operator, reference=Reference.KIND)  # two cities with county rights
    computation_run(computation_request(user=operator).pk)
    unit_a = computed_programme["unit_a"]
    settings.LANGUAGE_CODE = "pl"
    response = client_for(participant_a).get(
        f"/units/{unit_a.teryt}/efficiency/{model.code}/?group=all&year=2024"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nie pokazujemy efektywności za ten rok." in html
    assert (
        "W 2024 r. pełne dane do tego modelu mają tylko jednostki w liczbie 2 "
        "(miasta na prawach powiatu)" in html
    )
    assert "wymaga jednostek jednego rodzaju w liczbie co najmniej 6" in html
    assert "Przy mniejszej liczbie jednostek prawie każda wychodzi efektywna" in html
    assert 'id="efficiency-table"' not in html and "Efektywność Twojej jednostki" not in html
    assert not EfficiencyScore.objects.filter(model=model, score__isnull=False).exists()


def test_a_unit_without_the_models_data_sees_nothing_of_it(
    computed_programme, operator, participant_a, participant_b
):
    books = Variable.objects.create(code="BOOKS", name_pl="Książki", source="public_statistics")
    unit_a = computed_programme["unit_a"]
    others = [u for u in computed_programme["units"] if u != unit_a]
    context_values_store(
        variable=books,
        values=[
            (u, period, 1_000.0 + 100 * n) for n, u in enumerate(others) for period in (2023, 2024)
        ],
        source="test",
        origin="test",
        by=operator,
    )
    model = save(operator, code="books", name_pl="Książki za złotówkę", outputs=["BOOKS"])
    computation_run(computation_request(user=operator).pk)
    assert EfficiencyScore.objects.filter(model=model, score__isnull=False).exists()

    page = client_for(participant_a).get(f"/units/{unit_a.teryt}/efficiency/books/")
    assert page.status_code == 404
    dashboard = client_for(participant_a).get(f"/units/{unit_a.teryt}/results/?group=all")
    assert dashboard.status_code == 200
    assert "Książki za złotówkę" not in dashboard.content.decode()
    assert "/efficiency/books/" not in dashboard.content.decode()

    unit_b = next(u for u in others if u.teryt == "2466011")
    offered = client_for(participant_b).get(f"/units/{unit_b.teryt}/results/?group=all")
    assert "/efficiency/books/" in offered.content.decode()


def test_unknown_model_gives_a_clear_page(computed_programme, operator, participant_a):
    save(operator)
    computation_run(computation_request(user=operator).pk)
    unit_a = computed_programme["unit_a"]
    response = client_for(participant_a).get(f"/units/{unit_a.teryt}/efficiency/nope/")
    assert response.status_code == 404
    assert "There is no efficiency model nope" in response.content.decode()


# --- the operator's editor ----------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"inputs": []}, "at least one input"),
        ({"outputs": [" "]}, "at least one output"),
        ({"inputs": ["NOPE"]}, "Unknown variable or indicator codes: NOPE"),
        ({"outputs": ["EDU_EXP"]}, "both an input and an output: EDU_EXP"),
        ({"rts": "xyz"}, "returns to scale"),
        ({"reference": "xyz"}, "which units the frontier is drawn from"),
        ({"name_pl": " "}, "Give the model a name"),
    ],
)
def test_a_bad_model_is_refused_with_every_problem(published, operator, changes, message):
    with pytest.raises(EfficiencyModelError) as refused:
        save(operator, **changes)
    assert any(message in problem for problem in refused.value.problems)
    assert not EfficiencyModel.objects.exists()


def test_only_operators_define_models(published, participant_a):
    with pytest.raises(PermissionDenied):
        save(participant_a)


def test_operator_picks_from_the_catalogue_edits_and_deletes_a_model(published, operator):
    client = client_for(operator)
    page = client.get("/results/efficiency/").content.decode()
    assert 'class="catalogue-pick"' in page and 'value="EDU_EXP"' in page
    assert "slug" not in page.lower()
    form = {
        "name_pl": "Odpady łącznie",
        "inputs": [],
        "outputs": ["TEACHERS"],
        "rts": "crs",
        "orientation": "input",
        "reference": "kind",
    }
    refused = client.post("/results/efficiency/", form)
    assert refused.status_code == 400
    assert "at least one input" in refused.content.decode()
    assert not EfficiencyModel.objects.exists()
    wrong = client.post("/results/efficiency/", form | {"inputs": ["NOPE"]})
    assert "NOPE is not in the catalogue" in wrong.content.decode()
    assert "slug" not in wrong.content.decode().lower()

    accepted = client.post("/results/efficiency/", form | {"inputs": ["EDU_EXP", "SUBSIDY"]})
    assert accepted.status_code == 302
    model = EfficiencyModel.objects.get()
    assert model.code == "odpady-lacznie"  # made from the name
    assert (model.inputs, model.reference) == (["EDU_EXP", "SUBSIDY"], "kind")

    changed = client.post(
        f"/results/efficiency/{model.code}/",
        form | {"inputs": ["SUBSIDY"], "reference": "all", "name_pl": "Odpady"},
    )
    assert changed.status_code == 302
    model.refresh_from_db()
    assert (model.code, model.name_pl, model.inputs, model.reference) == (
        "odpady-lacznie",
        "Odpady",
        ["SUBSIDY"],
        "all",
    )
    assert client.get(f"/results/efficiency/{model.code}/delete/").status_code == 405
    deleted = client.post(f"/results/efficiency/{model.code}/delete/")
    assert deleted.status_code == 302
    assert not EfficiencyModel.objects.exists()


def test_a_participant_cannot_delete_a_model(published, operator, participant_a):
    model = save(operator)
    response = client_for(participant_a).post(f"/results/efficiency/{model.code}/delete/")
    assert response.status_code == 403
    assert EfficiencyModel.objects.filter(pk=model.pk).exists()
