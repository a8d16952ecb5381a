"""Peers of a county set are drawn from counties and cities with county rights; a
gmina set's peers stay as they were; no unit is shown on a set that does not apply to it."""

import pytest

from benchlearn.catalogue.models import IndicatorSet, Variable
from benchlearn.catalogue.services import (
    catalogue_import,
    catalogue_publish,
    edit_token,
    indicator_set_update,
)
from benchlearn.results.models import ComparisonGroup, ComparisonKind, Neighbour, Result
from benchlearn.results.selectors import comparisons_for
from benchlearn.units.models import Unit, UnitKind
from benchlearn.units.services import context_values_store
from tests.conftest import client_for
from tests.results.conftest import RESULTS_YAML, approve_values, make_round
from tests.results.test_computation import compute

# An indicator of public statistics alone: every unit with a population would get it.
KINDS_YAML = (
    RESULTS_YAML.replace(
        "indicators:\n",
        "indicators:\n"
        "  - code: PUPILS_PER_RESIDENT\n"
        "    name: {pl: Uczniowie na mieszkańca, en: Pupils per resident}\n"
        "    formula: PUPILS / POP\n"
        "    domain: EDU\n",
        1,
    )
    .replace(
        "indicators: [EDU_NET_COST, TEACHERS_PER_100, SATISFACTION]",
        "kinds: [gm, gw, gmw, mnpp]\n"
        "    indicators: [EDU_NET_COST, TEACHERS_PER_100, SATISFACTION, PUPILS_PER_RESIDENT]",
    )
    .replace(
        "indicators: [WASTE_PER_CAPITA]", "kinds: [pow, mnpp]\n    indicators: [WASTE_PER_CAPITA]"
    )
)
EDU = {"EDU_EXP": "1000000", "SUBSIDY": "600000", "TEACHERS": "40", "NEW_PUPILS": "20"}


@pytest.fixture
def kinds_programme(db, settings, programme, units, extra_units, operator):
    settings.NEIGHBOURS = 3
    catalogue_import(text=KINDS_YAML, user=operator)
    catalogue_publish(user=operator)
    assert IndicatorSet.objects.get(code="SET_WASTE").kinds == ["mnpp", "pow"]
    gminas = sorted([*units.values(), *extra_units], key=lambda u: u.teryt)
    counties = list(Unit.objects.filter(kind=UnitKind.COUNTY).order_by("teryt"))
    assert len(counties) == 3
    for code, base in (("POP", 4_000.0), ("AREA_KM2", 50.0), ("DENSITY", 80.0), ("PUPILS", 900.0)):
        variable = (
            Variable.objects.get(code=code)
            if code in ("POP", "PUPILS")
            else (Variable.objects.create(code=code, name_pl=code, source="public_statistics"))
        )
        context_values_store(
            variable=variable,
            values=[(u, 2024, base * (1 + 0.4 * n)) for n, u in enumerate(gminas + counties)],
            source="test",
            origin="test",
            by=operator,
        )
    # The gminas give the education set's data, the cities with county rights the
    # waste set's too (a city does both).
    round_ = make_round(operator, gminas, period=2024, sets=("SET_EDU", "SET_WASTE"))
    for n, unit in enumerate(gminas):
        waste = {"WASTE_T": str(2000 + n)} if unit.kind == UnitKind.CITY_COUNTY else {}
        approve_values(round_, unit, {**EDU, "TEACHERS": str(40 + n), **waste}, operator)
    return {"gminas": gminas, "counties": counties, "units": units}


def county_data(programme, operator) -> None:
    """The counties' waste data."""
    every = programme["counties"]
    round_ = make_round(operator, every, period=2024, sets=("SET_WASTE",))
    for n, unit in enumerate(every):
        approve_values(round_, unit, {"WASTE_T": str(1000 + 100 * n)}, operator)


def neighbours(computation, unit, pool=None):
    rows = Neighbour.objects.filter(computation=computation, unit=unit)
    if pool is not None:
        rows = rows.filter(pool=pool)
    return [(n.peer.teryt, n.pool) for n in rows.select_related("peer").order_by("pool", "rank")]


def bands(computation, unit):
    found = ComparisonGroup.objects.filter(
        computation=computation, members=unit, kind=ComparisonKind.BAND
    )
    return {g.key: set(g.members.values_list("kind", flat=True)) for g in found}


def test_a_county_sets_peers_are_counties_and_cities_with_county_rights(kinds_programme, operator):
    county_data(kinds_programme, operator)
    computation = compute(operator)
    for county in kinds_programme["counties"]:
        found = neighbours(computation, county)
        assert len(found) == 3 and {pool for _t, pool in found} == {"county"}
        kinds = set(
            Unit.objects.filter(teryt__in=[t for t, _p in found]).values_list("kind", flat=True)
        )
        assert kinds <= {UnitKind.COUNTY, UnitKind.CITY_COUNTY}
        for key, members in bands(computation, county).items():
            assert key.startswith("county:")
            assert members <= {UnitKind.COUNTY, UnitKind.CITY_COUNTY}
    # A city with county rights is compared in both pools; a gmina in the gminas' only.
    city = kinds_programme["units"]["a"]
    assert {pool for _t, pool in neighbours(computation, city)} == {"", "county"}
    assert any(key.startswith("county:") for key in bands(computation, city))
    gmina = kinds_programme["units"]["c"]
    gmina_peers = neighbours(computation, gmina)
    assert {pool for _t, pool in gmina_peers} == {""}
    peer_kinds = set(
        Unit.objects.filter(teryt__in=[t for t, _p in gmina_peers]).values_list("kind", flat=True)
    )
    assert UnitKind.COUNTY not in peer_kinds
    assert not any(key.startswith("county:") for key in bands(computation, gmina))


def test_the_comparisons_offered_name_the_county_pool(kinds_programme, operator):
    county_data(kinds_programme, operator)
    computation = compute(operator)
    county = kinds_programme["counties"][0]
    choices = [c.choice for c in comparisons_for(operator, county, computation)]
    assert "neighbours-county" in choices and "neighbours" not in choices
    assert "band" not in choices
    city = kinds_programme["units"]["a"]
    choices = [c.choice for c in comparisons_for(operator, city, computation)]
    assert {"band", "band-county", "neighbours", "neighbours-county"} <= set(choices)
    gmina = kinds_programme["units"]["c"]
    choices = [c.choice for c in comparisons_for(operator, gmina, computation)]
    assert "neighbours" in choices and not any(c.endswith("-county") for c in choices)


def test_a_gmina_sets_peers_are_unchanged_by_county_data(kinds_programme, operator):
    before = compute(operator)
    gminas = kinds_programme["gminas"]
    was = {u.teryt: neighbours(before, u, pool="") for u in gminas}

    def gmina_bands(computation):
        return {
            u.teryt: {k: v for k, v in bands(computation, u).items() if not k.startswith("county:")}
            for u in gminas
        }

    was_bands = gmina_bands(before)
    county_data(kinds_programme, operator)
    after = compute(operator)
    assert {u.teryt: neighbours(after, u, pool="") for u in gminas} == was
    assert gmina_bands(after) == was_bands
    assert all(len(peers) == 3 for peers in was.values())


def test_no_unit_has_results_on_a_set_that_does_not_apply_to_it(kinds_programme, operator):
    county_data(kinds_programme, operator)
    computation = compute(operator)
    county = kinds_programme["counties"][0]
    # Public statistics alone would give the county pupils per resident: not shown.
    codes = set(
        Result.objects.filter(computation=computation, unit=county).values_list(
            "indicator__code", flat=True
        )
    )
    assert codes == {"WASTE_PER_CAPITA"}
    gmina = kinds_programme["units"]["c"]
    assert Result.objects.filter(
        computation=computation, unit=gmina, indicator__code="PUPILS_PER_RESIDENT"
    ).exists()
    assert not Result.objects.filter(
        computation=computation, unit=gmina, indicator__code="WASTE_PER_CAPITA"
    ).exists()


def test_a_set_of_every_kind_keeps_every_units_results(kinds_programme, operator):
    indicator_set = IndicatorSet.objects.get(code="SET_EDU")
    indicator_set_update(
        indicator_set=indicator_set,
        user=operator,
        base_token=edit_token(indicator_set.updated_at),
        kinds=[],
    )
    computation = compute(operator)
    county = kinds_programme["counties"][0]
    assert Result.objects.filter(
        computation=computation, unit=county, indicator__code="PUPILS_PER_RESIDENT"
    ).exists()


def test_the_results_pages_show_a_county_only_on_the_county_set(kinds_programme, operator):
    county_data(kinds_programme, operator)
    compute(operator)
    county = kinds_programme["counties"][0]
    client = client_for(operator)
    page = client.get(f"/units/{county.teryt}/results/?year=2024")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waste per resident" in html
    assert "Pupils per resident" not in html and "Net cost per pupil" not in html
    # A city's county comparison: counties and cities with county rights.
    city = kinds_programme["units"]["a"]
    page = client.get(f"/units/{city.teryt}/results/?year=2024&group=band-county")
    assert page.status_code == 200
    assert "counties and cities with county rights" in page.content.decode()
    # The gmina's indicator, compared among its nearest gminas, shows no county.
    gmina = kinds_programme["units"]["c"]
    page = client.get(
        f"/units/{gmina.teryt}/results/PUPILS_PER_RESIDENT/?year=2024&group=neighbours"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert all(c.name not in html for c in kinds_programme["counties"])
