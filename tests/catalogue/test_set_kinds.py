"""The kinds of unit a set applies to: in the YAML file, the import, the set's editor
and page, and in the shipped catalogue."""

import pytest
from django.urls import reverse
from django.utils import translation

from benchlearn.catalogue.models import UNIT_KIND_LABELS, CatalogueChange, IndicatorSet
from benchlearn.catalogue.services import CatalogueProblems, catalogue_import, edit_token
from benchlearn.engine.catalogue import UNIT_KINDS, applies_to
from benchlearn.engine.io import InputError
from benchlearn.engine.io.catalogue_yaml import (
    catalogue_from_yaml,
    catalogue_to_yaml,
    read_default_catalogue,
)
from benchlearn.units.models import UnitKind
from tests.catalogue.conftest import SMALL_YAML
from tests.catalogue.test_services import dump
from tests.conftest import client_for

COUNTY_SET = """\
  - code: SET_COUNTY
    name: Zestaw powiatowy
    domain: WASTE
    kinds: [pow, mnpp]
    indicators: [WASTE_PER_CAPITA]
"""
WITH_KINDS = (
    SMALL_YAML.replace("    domain: EDU\n    indicators: [EDU_COST", "    domain: EDU\n"
                       "    kinds: [gmw, gm, gw, mnpp]\n    indicators: [EDU_COST")
    + COUNTY_SET
)  # fmt: skip


def test_the_catalogue_knows_the_registers_kinds_without_importing_it():
    # The catalogue may not import the register: its copy must stay the same list.
    assert tuple(UnitKind.values) == UNIT_KINDS
    with translation.override("pl"):
        assert {k: str(v) for k, v in UNIT_KIND_LABELS.items()} == {
            kind.value: str(kind.label) for kind in UnitKind
        }


def test_a_set_without_kinds_applies_to_every_kind():
    assert applies_to((), "pow") and applies_to((), "gm")
    assert applies_to(("pow", "mnpp"), "mnpp") and not applies_to(("pow", "mnpp"), "gw")


def test_kinds_are_read_in_the_registers_order_and_written_back():
    catalogue = catalogue_from_yaml(WITH_KINDS)
    edu, county = catalogue.sets
    assert edu.kinds == ("gm", "gw", "gmw", "mnpp")
    assert county.kinds == ("mnpp", "pow")
    assert catalogue_from_yaml(catalogue_to_yaml(catalogue)) == catalogue
    assert "kinds: [gm, gw" not in SMALL_YAML and "kinds" not in catalogue_to_yaml(
        catalogue_from_yaml(SMALL_YAML)
    )  # a set of every kind is written without the key


def test_every_unknown_or_repeated_kind_is_a_problem_of_its_set():
    text = WITH_KINDS.replace("[gmw, gm, gw, mnpp]", "[gmw, gmina, gw, gw]").replace(
        "[pow, mnpp]", "[pow, starostwo]"
    )
    with pytest.raises(InputError) as refused:
        catalogue_from_yaml(text)
    problems = [(p.code, str(p.message)) for p in refused.value.found]
    assert [code for code, _ in problems] == ["SET_EDU", "SET_EDU", "SET_COUNTY"]
    assert "unknown kind of unit 'gmina'" in problems[0][1]
    assert "gm, gw, gmw, mnpp, pow, woj" in problems[0][1]  # the known ones named
    assert "lists kind of unit gw twice" in problems[1][1]
    assert "unknown kind of unit 'starostwo'" in problems[2][1]


def test_import_stores_the_kinds_and_records_a_change(catalogue, operator):
    catalogue_import(text=WITH_KINDS, user=operator)
    assert IndicatorSet.objects.get(code="SET_EDU").kinds == ["gm", "gw", "gmw", "mnpp"]
    assert IndicatorSet.objects.get(code="SET_COUNTY").kinds == ["mnpp", "pow"]
    change = CatalogueChange.objects.filter(code="SET_EDU", kind="imported").latest("pk")
    assert change.changes["kinds"] == [[], ["gm", "gw", "gmw", "mnpp"]]
    exported = catalogue_from_yaml(catalogue_to_yaml(catalogue_from_yaml(WITH_KINDS)))
    assert {s.code: s.kinds for s in exported.sets}["SET_COUNTY"] == ("mnpp", "pow")


def test_a_file_naming_an_unknown_kind_is_refused_whole(catalogue, operator):
    text = WITH_KINDS.replace("[gmw, gm, gw, mnpp]", "[gm, miasto]").replace(
        "[pow, mnpp]", "[county]"
    )
    before = dump()
    with pytest.raises(CatalogueProblems) as refused, translation.override("en"):
        catalogue_import(text=text, user=operator)
    problems = refused.value.problems
    assert len(problems) == 2
    assert "set SET_EDU: unknown kind of unit 'miasto'" in problems[0]
    assert "set SET_COUNTY: unknown kind of unit 'county'" in problems[1]
    assert all(problem.startswith("line ") for problem in problems)
    assert dump() == before
    assert not IndicatorSet.objects.filter(code="SET_COUNTY").exists()


def test_the_shipped_gmina_sets_apply_to_gminas_and_cities_with_county_rights():
    sets = read_default_catalogue().sets
    assert len(sets) >= 7
    gmina_sets = [s for s in sets if s.code in {
        "SET_EDU", "SET_WST", "SET_ROAD", "SET_WAT", "SET_SOC", "SET_CUL", "SET_ADM"}]  # fmt: skip
    assert len(gmina_sets) == 7
    assert {s.kinds for s in gmina_sets} == {("gm", "gw", "gmw", "mnpp")}


# --- the set's editor and page --------------------------------------------------------


def test_operator_chooses_the_kinds_and_the_set_page_shows_them(catalogue, operator):
    client = client_for(operator)
    indicator_set = IndicatorSet.objects.get(code="SET_EDU")
    page = client.get(reverse("indicator-set-edit", args=["SET_EDU"])).content.decode()
    assert 'type="checkbox" name="kinds" value="pow"' in page
    response = client.post(
        reverse("indicator-set-edit", args=["SET_EDU"]),
        {
            "name_pl": indicator_set.name_pl,
            "domain": "EDU",
            "kinds": ["pow", "mnpp"],
            "base_token": edit_token(indicator_set.updated_at),
        },
    )
    assert response.status_code == 302
    indicator_set.refresh_from_db()
    assert indicator_set.kinds == ["mnpp", "pow"]
    change = CatalogueChange.objects.filter(code="SET_EDU", kind="edited").latest("pk")
    assert change.changes["kinds"] == [[], ["mnpp", "pow"]]
    page = client.get(
        reverse("indicator-set-detail", args=["SET_EDU"]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Kinds of unit: city with county rights, county" in page
    page = client.get(reverse("indicator-set-edit", args=["SET_EDU"])).content.decode()
    assert 'value="pow" id="id_kinds_4" checked' in page
    assert 'value="gm" id="id_kinds_0">' in page  # not chosen, not checked


def test_a_set_of_no_kinds_says_it_applies_to_every_kind(catalogue, operator):
    page = client_for(operator).get(
        reverse("indicator-set-detail", args=["SET_EDU"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Kinds of unit: every kind" in page.content.decode()


def test_an_unknown_kind_posted_is_refused_and_nothing_stored(catalogue, operator):
    indicator_set = IndicatorSet.objects.get(code="SET_EDU")
    before = dump()
    response = client_for(operator).post(
        reverse("indicator-set-edit", args=["SET_EDU"]),
        {
            "name_pl": indicator_set.name_pl,
            "domain": "EDU",
            "kinds": ["pow", "kraj"],
            "base_token": edit_token(indicator_set.updated_at),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Select a valid choice. kraj is not one of the available choices." in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert dump() == before
