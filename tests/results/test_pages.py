"""The unit's dashboard and indicator page as a participant, a moderator, an operator
and people who must be refused; figures checked against the engine."""

import re
import statistics

import polars as pl
import pytest

from benchlearn.charts import number_formatter
from benchlearn.engine.stats import unit_positions
from benchlearn.results.models import ComparisonGroup, Computation, Result
from benchlearn.results.services import computation_request, computation_run
from benchlearn.units.models import ContextValue
from tests.conftest import client_for


@pytest.fixture
def computed(computed_programme, operator):
    computation_run(computation_request(user=operator).pk)
    return computed_programme


def stored_positions(kind: str, key: str, code: str, year: int) -> pl.DataFrame:
    """unit_positions over the stored results of a comparison group."""
    group = ComparisonGroup.objects.get(kind=kind, key=key)
    members = list(group.members.values_list("teryt", flat=True))
    rows = list(
        Result.objects.filter(indicator__code=code, period=year, unit__teryt__in=members)
        .exclude(value=None)
        .values_list("unit__teryt", "period", "indicator__code", "value")
    )
    frame = pl.DataFrame(rows, schema=["unit", "period", "indicator", "value"], orient="row")
    pairs = pl.DataFrame({"group": ["g"] * len(members), "unit": members})
    return unit_positions(frame, pairs, {"EDU_NET_COST": "lower"})


def cell_texts(html: str, row_start: str) -> list[str]:
    row = html[html.index(row_start) :]
    row = row[: row.index("</tr>")]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_participant_sees_rank_and_median_of_the_engine(computed, participant_a, settings):
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(f"/units/{unit_a.teryt}/results/?group=all&year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    positions = stored_positions("all", "all", "EDU_NET_COST", 2024)
    mine = positions.filter(pl.col("unit") == unit_a.teryt).row(0, named=True)
    cells = cell_texts(html, ">Net cost per pupil<")
    assert cells[3] == f"{mine['rank']} of {mine['n']}"
    median = statistics.median(positions["value"].to_list())
    assert cells[1] == f"{median:,.2f}"


def test_the_weakest_indicator_comes_first(computed, participant_a):
    unit_a = computed["unit_a"]
    html = (
        client_for(participant_a).get(f"/units/{unit_a.teryt}/results/?group=all").content.decode()
    )
    badges = re.findall(r'class="position (\w+)"', html)
    order = {"worst": 0, "weak": 1, "good": 2, "best": 3, "below": 4, "around": 4, "above": 4}
    order["neutral"] = 5
    assert badges == sorted(badges, key=order.get)


def test_indicator_page_marks_the_own_unit_and_the_median(computed, participant_a):
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(
        f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=all&year=2024"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "your unit" in html and unit_a.name in html
    positions = stored_positions("all", "all", "EDU_NET_COST", 2024)
    mine = positions.filter(pl.col("unit") == unit_a.teryt).row(0, named=True)
    own_row = html[html.index('<tr class="own">') :]
    assert cell_texts(own_row, '<tr class="own">')[0] == str(mine["rank"])


def test_other_units_are_letters_outside_an_open_exchange_group(computed, participant_a, group):
    unit_a, unit_b = computed["unit_a"], group.units.exclude(pk=computed["unit_a"].pk).get()
    client = client_for(participant_a)
    everyone = client.get(f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=all").content.decode()
    assert unit_b.name not in everyone and "shown as letters" in everyone
    in_group = client.get(
        f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=exchange-{group.pk}"
    ).content.decode()
    assert unit_b.name in in_group
    group.anonymised = True
    group.save()
    anonymised = client.get(
        f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=exchange-{group.pk}"
    ).content.decode()
    assert unit_b.name not in anonymised and unit_a.name in anonymised


@pytest.mark.parametrize("role", ["stranger", "nobody"])
def test_people_outside_the_unit_are_refused(computed, programme, role):
    unit_a = computed["unit_a"]
    response = client_for(programme[role]).get(f"/units/{unit_a.teryt}/results/")
    assert response.status_code == 404  # as for a unit that does not exist


def test_moderator_and_operator_see_the_results(computed, programme):
    unit_a = computed["unit_a"]
    for role in ("moderator", "operator"):
        response = client_for(programme[role]).get(f"/units/{unit_a.teryt}/results/")
        assert response.status_code == 200, role


@pytest.mark.parametrize(
    "query, message",
    [
        ("?year=1999", "has no results for 1999"),
        ("?year=abc", "has no results for abc"),
        ("?group=exchange-99999", "cannot be compared with"),
        ("?group=nonsense", "cannot be compared with"),
    ],
)
def test_unknown_year_or_group_gives_a_clear_page(computed, participant_a, query, message):
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(f"/units/{unit_a.teryt}/results/{query}")
    assert response.status_code == 404
    assert message in response.content.decode()


def test_an_exchange_group_of_others_is_not_offered(computed, stranger, group):
    unit_c = computed["unit_c"]
    response = client_for(stranger).get(f"/units/{unit_c.teryt}/results/?group=exchange-{group.pk}")
    assert response.status_code == 404


def test_unknown_unit_and_indicator(computed, participant_a, operator):
    assert client_for(operator).get("/units/9999999/results/").status_code == 404
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(f"/units/{unit_a.teryt}/results/NOPE/")
    assert response.status_code == 404
    assert "There is no computed indicator NOPE" in response.content.decode()


def test_no_computation_yet_says_so(programme, participant_a, unit_a):
    response = client_for(participant_a).get(f"/units/{unit_a.teryt}/results/")
    assert response.status_code == 404
    assert "Results have not been computed yet" in response.content.decode()


def test_nearest_neighbours_comparison(computed, participant_a, settings):
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(f"/units/{unit_a.teryt}/results/?group=neighbours")
    assert response.status_code == 200
    assert "nearest neighbours" in response.content.decode()


def test_operator_computes_on_demand_and_follows_the_progress(computed_programme, operator):
    client = client_for(operator)
    page = client.get("/results/")
    assert page.status_code == 200 and "No results have been computed yet" in page.content.decode()
    response = client.post("/results/")
    assert response.status_code == 302
    queued = client.get("/results/", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in queued and "waiting" in queued
    computation_run()
    done = client.get("/results/").content.decode()
    assert "hx-trigger" not in done
    assert Result.objects.count() > 0 and "data version" in done.lower()


@pytest.mark.parametrize("role", ["moderator", "participant_a", "nobody"])
def test_only_operators_open_the_computations_page(programme, role):
    client = client_for(programme[role])
    assert client.get("/results/").status_code == 403
    assert client.post("/results/").status_code == 403


def test_domain_profile_gives_the_percentiles_of_the_engine(computed, participant_a):
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(
        f"/units/{unit_a.teryt}/results/domains/EDU/?group=all&year=2024"
    )
    assert response.status_code == 200
    html = response.content.decode()
    positions = stored_positions("all", "all", "EDU_NET_COST", 2024)
    mine = positions.filter(pl.col("unit") == unit_a.teryt).row(0, named=True)
    cells = cell_texts(html, ">Net cost per pupil</a></th>")
    assert cells[1] == f"{mine['percentile']:.0f}"
    assert 'class="chart chart-profile"' in html


def test_domain_profile_of_an_unknown_domain(computed, participant_a):
    unit_a = computed["unit_a"]
    response = client_for(participant_a).get(f"/units/{unit_a.teryt}/results/domains/NOPE/")
    assert response.status_code == 404
    assert "There is no domain NOPE" in response.content.decode()


def test_a_group_of_one_and_an_indicator_without_values(
    computed_programme, operator, participant_a
):
    from benchlearn.groups.services import group_create

    unit_a = computed_programme["unit_a"]
    alone = group_create(
        name="Sama", service="Oświata", cycle_start=2025, moderator=None, units=[unit_a]
    )
    computation_run(computation_request(user=operator).pk)
    client = client_for(participant_a)
    response = client.get(f"/units/{unit_a.teryt}/results/?group=exchange-{alone.pk}&year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    assert cell_texts(html, ">Net cost per pupil</a>")[3] == "1 of 1"
    # Nobody has satisfaction survey values: no row of dashes, one line names it.
    assert (
        '<th scope="row"><a href="{}'.format(f"/units/{unit_a.teryt}/results/SATISFACTION/")
        not in html
    )
    folded = re.search(r'<p class="empty-indicators">(.*?)</p>', html, re.S)
    assert folded is not None
    line = " ".join(re.sub(r"<[^>]+>", "", folded.group(1)).split())
    assert line == "No unit of Sama has a value in 2024 of this indicator: Satisfaction."
    page = client.get(f"/units/{unit_a.teryt}/results/SATISFACTION/?group=exchange-{alone.pk}")
    assert page.status_code == 200
    assert "No unit of this group has a value in this year" in page.content.decode()


def test_a_large_group_lists_the_ends_and_the_units_around_yours(monkeypatch):
    from benchlearn.results.pages import indicator as pages

    monkeypatch.setattr(pages, "LARGE_GROUP", 6)
    monkeypatch.setattr(pages, "AROUND", 1)
    owns = [False] * 10
    owns[5] = True
    assert pages.rows_shown(owns) == [0, 4, 5, 6, 9]
    assert pages.rows_shown([False] * 5) == [0, 1, 2, 3, 4]
    assert pages.rows_shown([False] * 8) == [0, 7]


def test_a_large_group_page_is_cut_but_its_download_has_every_unit_ranked_by_the_engine(
    computed, operator, monkeypatch
):
    from benchlearn.results.pages import indicator as pages

    unit_a = computed["unit_a"]
    positions = stored_positions("all", "all", "EDU_NET_COST", 2024)
    monkeypatch.setattr(pages, "LARGE_GROUP", 2)
    monkeypatch.setattr(pages, "AROUND", 1)
    client = client_for(operator)
    base = f"/units/{unit_a.teryt}/results/EDU_NET_COST"
    html = client.get(f"{base}/?group=all&year=2024").content.decode()
    assert "listed are the best and the weakest and those around yours" in html
    body = html[html.rindex("<tbody>") : html.rindex("</tbody>")]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", body)]
    listed = [int(text) for text in cells[0::5]]
    # The best, the weakest, and the viewer's unit with one on either side.
    mine = positions.filter(pl.col("unit") == unit_a.teryt).row(0, named=True)["rank"]
    everyone = sorted(positions["rank"].to_list())
    expected = sorted(
        {everyone[0], everyone[-1]}
        | {r for i, r in enumerate(everyone) if abs(i - everyone.index(mine)) <= 1}
    )
    assert listed == expected and len(listed) < len(everyone)

    download = client.get(f"{base}/table.csv?group=all&year=2024").content.decode("utf-8-sig")
    lines = [line.split(";") for line in download.strip().splitlines()[1:]]
    # (Two units may share a name: Bolesławiec the town and the rural gmina.)
    names = dict(ComparisonGroup.objects.get(kind="all").members.values_list("teryt", "name"))
    expected_rows = sorted((names[u], r) for u, r in positions.select("unit", "rank").iter_rows())
    ranked = sorted((line[1], int(line[0])) for line in lines if line[0])
    assert ranked == expected_rows


def test_the_dashboard_lists_the_indicators_of_the_units_rounds_or_all_on_request(
    computed, participant_a
):
    from benchlearn.collection.models import Round
    from benchlearn.results.selectors import unit_indicator_codes

    unit_a = computed["unit_a"]
    mine = unit_indicator_codes(unit_a)
    computed_codes = set(Computation.objects.get(state="done").catalogue)
    assert mine and computed_codes - mine  # the catalogue has more than the unit's sets
    client = client_for(participant_a)
    base = f"/units/{unit_a.teryt}/results/"

    def listed(html: str) -> set[str]:
        return set(re.findall(rf'href="{base}(\w+)/\?', html))

    default = client.get(f"{base}?group=all").content.decode()
    assert listed(default) == mine and 'name="scope"' in default
    everything = client.get(f"{base}?group=all&scope=all").content.decode()
    assert listed(everything) == computed_codes
    # A unit in no collection round (its data from public statistics) sees every one.
    for round_ in Round.objects.filter(units=unit_a):
        round_.units.remove(unit_a)
    alone = client.get(f"{base}?group=all").content.decode()
    assert listed(alone) == computed_codes and 'name="scope"' not in alone


def test_nearest_neighbours_say_why_they_are_neighbours(computed, participant_a, operator):
    from benchlearn.results.models import Neighbour

    unit_a = computed["unit_a"]
    stored = list(Neighbour.objects.filter(unit=unit_a).select_related("peer").order_by("rank"))
    assert stored
    url = f"/units/{unit_a.teryt}/results/?group=neighbours"
    named = client_for(operator).get(url).content.decode()
    assert "Why these units" in named
    start = named.index('<table class="neighbours">')
    section = named[start : named.index("</details>", start)]
    for neighbour in stored:
        assert neighbour.peer.name in section
        row = section[section.index(neighbour.peer.name) :]
        row = row[: row.index("</tr>")]
        shares = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ][-3:]  # population, area, density: each one's part of the distance
        expected = [
            f"{100 * neighbour.shares[code]:.0f} %" for code in ("POP", "AREA_KM2", "DENSITY")
        ]
        assert shares == expected
    # Where names are hidden (a participant), no neighbour is shown: no name, letter,
    # distance, share or figure, which the public register would turn into a name.
    # Only each figure's part of the differences over all of them, in words.
    hidden = client_for(participant_a).get(url).content.decode()
    start = hidden.index('<details class="neighbours"')
    section = hidden[start : hidden.index("</details>", start)]
    assert f"compared with the {len(stored)} units most similar" in section
    rows = [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", section[section.index("<tbody>") :], re.S)
    ]
    codes = ("POP", "AREA_KM2", "DENSITY")
    assert len(rows) == len(codes)
    for row, code in zip(rows, codes, strict=True):
        mean = statistics.mean(n.shares[code] for n in stored)
        band = "large" if mean >= 0.5 else "moderate" if mean >= 0.2 else "small"
        assert row[2] == f"a {band} part", (row, mean)
    assert "%" not in section
    cells = {cell for row in rows for cell in row}
    number = number_formatter()
    for neighbour in stored:
        assert neighbour.peer.name not in section
        assert f"{neighbour.distance:.2f}" not in section
        for value in ContextValue.objects.filter(unit=neighbour.peer, variable__code__in=codes):
            assert not {number(value.value, 0), number(value.value, 1)} & cells, value
    # Other comparisons do not explain neighbours.
    assert (
        "Why these units"
        not in client_for(participant_a)
        .get(f"/units/{unit_a.teryt}/results/?group=all")
        .content.decode()
    )
