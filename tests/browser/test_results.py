"""The comparison pages in a real browser, in Polish, opened by a participant and by a
moderator: the dashboard, an indicator, a domain's profile and a DEA model's efficiency,
each compared with all units, with the open exchange group "GWD Oświata" (units A and B)
and with the anonymised "GWD Duża" (every unit but C). Every page shows the own unit
marked, ranks and medians that agree with the engine run here on the stored results
(and DEA on the approved values), charts drawn by vega-embed, and axe finds no serious
violation. In the anonymised group other members are letters, the viewed unit is named;
the stranger of unit C, not a member, is refused."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest

from benchlearn.catalogue.models import Variable
from benchlearn.collection.selectors import values_frame
from benchlearn.engine.dea import dea
from benchlearn.engine.stats import group_stats, unit_positions
from benchlearn.groups.services import group_create
from benchlearn.reports.bundle import ensure_bundle
from benchlearn.results.models import ComputationState, Result
from benchlearn.results.services import (
    computation_request,
    computation_run,
    efficiency_model_save,
)
from benchlearn.units.models import Unit
from tests.browser.conftest import axe_check, login
from tests.results.conftest import (  # noqa: F401 - fixtures
    computed_programme,
    extra_units,
    published,
)

pytestmark = pytest.mark.browser

YEAR = 2024
# Indicator code -> Polish name and polarity (tests/results/conftest.py); both have the
# catalogue's default of 2 decimals.
INDICATORS = {
    "EDU_NET_COST": ("Koszt netto na ucznia", "lower"),
    "TEACHERS_PER_100": ("Nauczyciele na 100 uczniów", "higher"),
}
DECIMALS = 2
# One input and one output: the seven units with 2024 data, of several kinds, are more
# than the six such a model needs when its frontier is drawn from every unit.
MODEL = {"code": "edu-cost", "inputs": ["EDU_EXP"], "outputs": ["TEACHERS"]}
OWN_MARK = "Twoja jednostka"  # the charts' label of the own unit's bar


@pytest.fixture
def computed(computed_programme, operator, moderator, group):  # noqa: F811 - the fixture above
    ensure_bundle()
    efficiency_model_save(
        user=operator,
        code=MODEL["code"],
        name_pl="Koszt oświaty",
        inputs=MODEL["inputs"],
        outputs=MODEL["outputs"],
        rts="vrs",
        orientation="input",
        reference="all",
    )
    unit_c = computed_programme["unit_c"]
    big = group_create(
        name="GWD Duża",
        service="Oświata",
        cycle_start=2025,
        moderator=moderator,
        units=[u for u in computed_programme["units"] if u != unit_c],
    )
    big.anonymised = True
    big.save(update_fields=["anonymised"])
    computation_run(computation_request(user=operator).pk)
    return {**computed_programme, "open": group, "big": big}


# --- What the engine says ---------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A comparison as chosen in the URL, with its members (TERYT codes) and whether the
    viewer sees other members by name."""

    choice: str
    members: list[str]
    names_shown: bool


def comparisons(computed, *, operator: bool = False) -> list[Comparison]:
    everyone = list(Unit.objects.values_list("teryt", flat=True))
    open_group, big = computed["open"], computed["big"]
    return [
        Comparison("all", everyone, operator),
        Comparison(
            f"exchange-{open_group.pk}",
            list(open_group.units.values_list("teryt", flat=True)),
            True,
        ),
        Comparison(f"exchange-{big.pk}", list(big.units.values_list("teryt", flat=True)), operator),
    ]


def stored_results(code: str, members: list[str]) -> pl.DataFrame:
    rows = list(
        Result.objects.filter(
            computation__state=ComputationState.DONE,
            indicator__code=code,
            period=YEAR,
            unit__teryt__in=members,
        )
        .exclude(value=None)
        .values_list("unit__teryt", "period", "indicator__code", "value")
    )
    return pl.DataFrame(rows, schema=["unit", "period", "indicator", "value"], orient="row")


@dataclass(frozen=True)
class Standing:
    """The engine's figures of one indicator in one comparison."""

    positions: pl.DataFrame  # unit, value, rank, n, percentile, …
    median: float

    def of(self, teryt: str) -> dict:
        return self.positions.filter(pl.col("unit") == teryt).row(0, named=True)


def engine_standing(code: str, members: list[str]) -> Standing:
    results = stored_results(code, members)
    groups = pl.DataFrame({"group": ["g"] * len(members), "unit": members})
    polarity = {code: INDICATORS[code][1]}
    stats = group_stats(results, groups, polarity).row(0, named=True)
    return Standing(unit_positions(results, groups, polarity), stats["median"])


def engine_efficiency() -> dict[str, float]:
    """DEA scores of every unit with the model's data in YEAR: the national frontier."""
    units = list(Unit.objects.all())
    values = values_frame(
        periods=[YEAR],
        units=units,
        variables=Variable.objects.filter(code__in=MODEL["inputs"] + MODEL["outputs"]),
    )
    wide = values.pivot(on="variable", index="unit", values="value")
    result = dea(wide, id="unit", inputs=MODEL["inputs"], outputs=MODEL["outputs"], rts="vrs")
    return dict(result.scores.select("id", "efficiency").iter_rows())


def polish(value: float, decimals: int = DECIMALS) -> str:
    """A number as the pages write it in Polish: decimal comma, grouped by a no-break
    space, rounded half up (as Django's floatformat)."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{rounded:,f}".replace(",", "\u00a0").replace(".", ",")


# --- What the pages show ----------------------------------------------------------------


def cells(row) -> list[str]:
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def page_rows(page):
    """The rows of the page's own table (not the charts' data tables)."""
    return page.locator("main table:not(.chart-table, .most-improved) tbody tr").all()


def names_of_others(unit: Unit, comparison: Comparison) -> list[str]:
    """The other members with results (all units also holds the voivodeship, named in
    the list of comparisons offered)."""
    computed = Result.objects.filter(unit__teryt__in=comparison.members).values("unit_id")
    return list(
        Unit.objects.filter(pk__in=computed).exclude(pk=unit.pk).values_list("name", flat=True)
    )


LETTERS_NOTE = "Pozostałe jednostki są oznaczone literami, Twoja – nazwą."


def assert_names_hidden(page, unit: Unit, comparison: Comparison) -> None:
    """Where names are not shown, no other member's name is anywhere in the page's
    content or charts."""
    if comparison.names_shown:
        return
    main = page.locator("main")
    text, html = main.inner_text(), main.inner_html()
    for name in names_of_others(unit, comparison):
        assert name not in text and name not in html, f"{name} shown on {page.url}"


def check_dashboard(page, base: str, unit: Unit, comparison: Comparison) -> None:
    page.goto(f"{base}/results/?group={comparison.choice}&year={YEAR}")
    assert page.title().startswith(f"Wyniki: {unit.name}")
    for code, (name, _polarity) in INDICATORS.items():
        standing = engine_standing(code, comparison.members)
        mine = standing.of(unit.teryt)
        text = page.locator("main table.results tr", has_text=name).inner_text()
        assert f"{mine['rank']} z {mine['n']}" in text, (comparison.choice, code, text)
        assert polish(mine["value"]) in text
        assert polish(standing.median) in text, (comparison.choice, code, text)
    page.locator("main table.results .sparkline svg").first.wait_for()  # vega-embed
    assert (LETTERS_NOTE in page.locator("main").inner_text()) != comparison.names_shown
    assert_names_hidden(page, unit, comparison)
    axe_check(page)


def check_indicator(page, base: str, unit: Unit, comparison: Comparison) -> None:
    code = "EDU_NET_COST"
    standing = engine_standing(code, comparison.members)
    mine = standing.of(unit.teryt)
    page.goto(f"{base}/results/{code}/?group={comparison.choice}&year={YEAR}")
    assert page.title().startswith(f"Koszt netto na ucznia · {unit.name}")
    chart = page.locator("figure.chart-bar")
    svg = chart.locator("svg").first
    svg.wait_for()
    assert OWN_MARK in svg.inner_html()
    assert (
        f"Twoja jednostka: {mine['rank']}. miejsce z {mine['n']}; "
        f"mediana {polish(standing.median)}."
    ) in chart.locator("figcaption").inner_text()
    median = page.locator("dl.summary dt", has_text="Mediana").locator(
        "xpath=following-sibling::dd[1]"
    )
    assert median.inner_text() == polish(standing.median)

    rows = [cells(row) for row in page_rows(page)]
    own = page.locator("main table:not(.chart-table, .most-improved) tr.own")
    assert own.count() == 1
    assert cells(own)[0] == str(mine["rank"])
    assert cells(own)[1] == f"{unit.name} (Twoja jednostka)"
    assert cells(own)[2] == polish(mine["value"])
    shown = sorted((int(rank), value) for rank, _label, value, *_gaps in rows)
    expected = sorted(
        (rank, polish(value)) for rank, value in standing.positions.select("rank", "value").rows()
    )
    assert shown == expected, comparison.choice
    labels = {label for _rank, label, *_rest in rows} - {f"{unit.name} (Twoja jednostka)"}
    if comparison.names_shown:
        names = Unit.objects.filter(teryt__in=standing.positions["unit"].to_list())
        by_name = {u.name: u.teryt for u in names}
        assert labels == set(by_name) - {unit.name}
        for rank, label, _value, *_gaps in rows:
            if label in by_name:
                assert int(rank) == standing.of(by_name[label])["rank"]
    else:
        # Letters are given over every member, the viewer's own unit included (a unit
        # has the same letter for every viewer and on every page), so the other units
        # with a value have distinct letters among the first len(members).
        letters = {chr(ord("A") + i) for i in range(len(comparison.members))}
        assert len(labels) == standing.positions.height - 1 and labels <= letters, labels
    assert (LETTERS_NOTE in page.locator("main").inner_text()) != comparison.names_shown
    assert_names_hidden(page, unit, comparison)
    axe_check(page)


def check_profile(page, base: str, unit: Unit, comparison: Comparison) -> None:
    page.goto(f"{base}/results/domains/EDU/?group={comparison.choice}&year={YEAR}")
    figure = page.locator("figure.chart-profile")
    figure.locator("svg").first.wait_for()
    assert unit.name in figure.locator("figcaption").inner_text()
    for code, (name, _polarity) in INDICATORS.items():
        mine = engine_standing(code, comparison.members).of(unit.teryt)
        row = page.locator("main table:not(.chart-table, .most-improved) tr", has_text=name)
        texts = cells(row)
        assert texts[0] == polish(mine["value"])
        assert texts[1] == polish(mine["percentile"], 0)
        assert texts[2] == f"{mine['rank']} z {mine['n']}"
    assert_names_hidden(page, unit, comparison)
    axe_check(page)


def check_efficiency(page, base: str, unit: Unit, comparison: Comparison) -> None:
    scores = engine_efficiency()
    members = {teryt: score for teryt, score in scores.items() if teryt in comparison.members}
    page.goto(f"{base}/efficiency/{MODEL['code']}/?group={comparison.choice}&year={YEAR}")
    chart = page.locator("figure.chart-efficiency")
    svg = chart.locator("svg").first
    svg.wait_for()
    assert OWN_MARK in svg.inner_html()
    mine = members[unit.teryt]
    rank = 1 + sum(1 for score in members.values() if round(score, 9) > round(mine, 9))
    assert (
        f"Twoja jednostka: wynik {polish(mine, 3)}, miejsce {rank}."
        in chart.locator("figcaption").inner_text()
    )
    assert f"Efektywność Twojej jednostki: {polish(mine, 3)}." in page.locator("main").inner_text()
    own = page.locator("main table:not(.chart-table, .most-improved) tr.own")
    assert own.count() == 1 and cells(own)[:2] == [unit.name, polish(mine, 3)]
    table = page.locator("main table:not(.chart-table, .most-improved)").last
    rows = [cells(row) for row in table.locator("tbody tr").all()]
    shown = [score for _label, score, _frontier in rows if score != "—"]
    assert shown == [polish(s, 3) for s in sorted(members.values(), reverse=True)]
    if comparison.names_shown:
        names = dict(Unit.objects.filter(teryt__in=members).values_list("name", "teryt"))
        for label, score, _frontier in rows:
            assert score == polish(members[names[label]], 3)
    assert_names_hidden_in_scores(page, unit, comparison)
    axe_check(page)


def assert_names_hidden_in_scores(page, unit: Unit, comparison: Comparison) -> None:
    """The efficiency chart and the table of the group's scores; the efficient peers
    to learn from are named on purpose (see tests/results/test_efficiency.py)."""
    if comparison.names_shown:
        return
    chart = page.locator("figure.chart-efficiency").inner_html()
    table = page.locator("main table:not(.chart-table, .most-improved)").last.inner_text()
    for name in names_of_others(unit, comparison):
        assert name not in chart and name not in table, f"{name} shown on {page.url}"


def check_every_page(page, live_server, unit: Unit, comparison: Comparison) -> None:
    base = f"{live_server.url}/units/{unit.teryt}"
    check_dashboard(page, base, unit, comparison)
    check_indicator(page, base, unit, comparison)
    check_profile(page, base, unit, comparison)
    check_efficiency(page, base, unit, comparison)


# --- The people ---------------------------------------------------------------------------


def test_participant_reads_every_page_against_every_group(
    page, live_server, computed, participant_a
):
    unit_a = computed["unit_a"]
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Wyniki i porównania").click()
    for comparison in comparisons(computed):
        check_every_page(page, live_server, unit_a, comparison)


def test_moderator_reads_every_page_of_a_member_unit(page, live_server, computed, moderator):
    # The moderator is no member: the unit in the URL is the one marked and named.
    unit_b = computed["open"].units.exclude(pk=computed["unit_a"].pk).get()
    login(page, live_server, moderator.email)
    for comparison in comparisons(computed):
        check_every_page(page, live_server, unit_b, comparison)


def test_operator_sees_the_anonymised_group_by_name(page, live_server, computed, operator):
    unit_a, big = computed["unit_a"], computed["big"]
    login(page, live_server, operator.email)
    page.goto(
        f"{live_server.url}/units/{unit_a.teryt}/results/EDU_NET_COST/?group=exchange-{big.pk}"
    )
    table = page.locator("main table:not(.chart-table, .most-improved)").inner_text()
    for unit in big.units.all():
        assert unit.name in table
    assert "oznaczone literami" not in page.locator("main").inner_text()


def test_a_non_member_is_refused_the_anonymised_group(page, live_server, computed, stranger):
    unit_a, unit_c, big = computed["unit_a"], computed["unit_c"], computed["big"]
    members = list(big.units.values_list("name", flat=True))
    login(page, live_server, stranger.email)
    for path in (
        f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=exchange-{big.pk}",
        f"/units/{unit_a.teryt}/efficiency/{MODEL['code']}/?group=exchange-{big.pk}",
        f"/groups/{big.pk}/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404, path  # as for what does not exist
        main = page.locator("main")
        assert "którą możesz otworzyć" in main.inner_text()
        assert main.locator("table, figure").count() == 0
        for name in members:
            assert name not in main.inner_html()
    axe_check(page)
    # Their own unit, not in the group, cannot be compared with it.
    response = page.goto(f"{live_server.url}/units/{unit_c.teryt}/results/?group=exchange-{big.pk}")
    assert response.status == 404
    main = page.locator("main")
    assert f"Jednostki {unit_c.name} nie można porównać z" in main.inner_text()
    assert main.locator("table, figure").count() == 0
    for name in members:
        assert name not in main.inner_html()
    axe_check(page)


def test_participant_sees_why_the_nearest_neighbours_are_neighbours(
    page, live_server, computed, participant_a
):
    unit_a = computed["unit_a"]
    login(page, live_server, participant_a.email)
    page.goto(f"{live_server.url}/units/{unit_a.teryt}/results/?group=neighbours")
    why = page.locator("details.neighbours")
    assert "Dlaczego te jednostki" in why.locator("summary").inner_text()
    # Names are hidden: the unit's own figures and each one's part of the differences
    # from all its neighbours, in words; no neighbour listed.
    table = why.locator("table.neighbours")
    assert "Udział w różnicach" in table.inner_text()
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    for row in range(3):
        assert rows.nth(row).locator("td").last.inner_text() in {
            "duża część",
            "umiarkowana część",
            "niewielka część",
        }
    assert "%" not in why.inner_text()
    axe_check(page)
