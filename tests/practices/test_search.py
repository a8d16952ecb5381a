"""Searching published practices: Polish words whatever their accents and endings, the
best match first, facets, and bad parameters answered clearly (never a 500). Runs on
SQLite and, with DATABASE_URL, on PostgreSQL (full-text search with unaccent)."""

import pytest
from django.db import connection

from benchlearn.catalogue.models import Domain
from benchlearn.practices.listing import search_page
from benchlearn.practices.models import Audience
from benchlearn.practices.search import PracticeQuery, fold, stems, unaccent_available
from benchlearn.practices.selectors import practices_public, practices_published_to
from benchlearn.practices.services import IndicatorInput
from tests.conftest import client_for
from tests.practices.conftest import published


def test_fold_and_stems():
    assert fold("Gospodarka ODPADÓW, Łódź") == "gospodarka odpadow, lodz"
    assert stems("odpadów") == ["odpad"]
    assert stems("Gospodarka odpadami") == ["gospodark", "odpad"]
    assert stems("zbiórka zbiórki") == ["zbiork"]
    assert stems("") == []


@pytest.fixture
def waste(results, unit_a, unit_b, participant_a, participant_b, moderator):
    """Three public practices and one for the members."""
    roads = Domain.objects.get(code="ROADS")
    edu = Domain.objects.get(code="EDU")
    return {
        "waste_title": published(
            unit_a, participant_a, moderator, title="Gospodarka odpadami w gminie",
            problem="Za mało segregacji.", domain=roads, tags=[],
        ),
        "waste_body": published(
            unit_b, participant_b, moderator, title="Punkt selektywnej zbiórki",
            problem="Dzikie wysypiska i mało zbieranych odpadów.", domain=roads, tags=[],
            indicators=[IndicatorInput("OTHER", 2023)],
        ),
        "school": published(
            unit_a, participant_a, moderator, title="Dowóz uczniów", domain=edu,
            indicators=[IndicatorInput("COST", 2023)],
        ),
        "members": published(
            unit_b, participant_b, moderator, title="Odpady wielkogabarytowe",
            audience=Audience.MEMBERS, domain=roads, tags=[],
        ),
    }  # fmt: skip


def _titles(page):
    return [practice.title for practice in page.items]


def test_without_accents_and_in_another_case(waste):
    page = search_page(practices_public(), PracticeQuery(q="odpadow"), 1)
    assert set(_titles(page)) == {"Gospodarka odpadami w gminie", "Punkt selektywnej zbiórki"}
    page = search_page(practices_public(), PracticeQuery(q="ZBIÓRKA"), 1)
    assert _titles(page) == ["Punkt selektywnej zbiórki"]


def test_the_title_ranks_above_the_body(waste):
    page = search_page(practices_public(), PracticeQuery(q="odpady"), 1)
    assert _titles(page) == ["Gospodarka odpadami w gminie", "Punkt selektywnej zbiórki"]


def test_every_word_must_match(waste):
    page = search_page(practices_public(), PracticeQuery(q="odpadów autobusy"), 1)
    assert page.count == 0


def test_the_public_search_never_shows_members_practices(waste, participant_b):
    assert "Odpady wielkogabarytowe" not in _titles(
        search_page(practices_public(), PracticeQuery(q="odpady"), 1)
    )
    members = search_page(practices_published_to(participant_b), PracticeQuery(q="odpady"), 1)
    assert "Odpady wielkogabarytowe" in _titles(members)


def test_facets_count_and_filter(waste, unit_a):
    page = search_page(practices_public(), PracticeQuery(), 1)
    facets = {facet.name: {v.value: v.count for v in facet.values} for facet in page.facets}
    assert facets["domain"] == {"ROADS": 2, "EDU": 1}
    assert facets["indicator"] == {"OTHER": 1, "COST": 1}
    assert facets["kind"] == {unit_a.kind: 3}
    assert facets["voivodeship"] == {"śląskie": 3}
    only_roads = search_page(practices_public(), PracticeQuery(domain="ROADS"), 1)
    assert set(_titles(only_roads)) == {"Gospodarka odpadami w gminie", "Punkt selektywnej zbiórki"}
    by_indicator = search_page(practices_public(), PracticeQuery(indicator="COST"), 1)
    assert _titles(by_indicator) == ["Dowóz uczniów"]
    by_place = search_page(practices_public(), PracticeQuery(voivodeship="śląskie", q="dowoz"), 1)
    assert _titles(by_place) == ["Dowóz uczniów"]
    assert search_page(practices_public(), PracticeQuery(kind="pow"), 1).count == 0


def test_unknown_facet_values_are_named_and_no_search_is_run(waste):
    page = search_page(practices_public(), PracticeQuery(domain="XX", band="huge"), 1)
    assert set(page.problems) == {"domain", "band"}
    assert page.items == []


def test_the_page_says_what_is_wrong(waste):
    response = client_for(None).get("/portal/practices/", {"kind": "castle", "q": "odpady"})
    assert response.status_code == 200
    assert "There is no kind of unit castle." in response.content.decode()
    response = client_for(None).get("/portal/practices/", {"page": "abc"})
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


def test_a_page_past_the_last_is_a_404_that_says_so(waste):
    response = client_for(None).get("/portal/practices/", {"page": "2"})
    assert response.status_code == 404
    assert "There is no page 2 of these practices." in response.content.decode()
    assert client_for(None).get("/portal/practices/", {"page": "1"}).status_code == 200


def test_the_members_page_searches_too(waste, participant_b):
    response = client_for(participant_b).get("/practices/", {"q": "wielkogabarytowe"})
    assert response.status_code == 200
    assert "Odpady wielkogabarytowe" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_has_unaccent_from_the_migration(db):
    assert unaccent_available()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_without_unaccent_the_folded_columns_still_match(waste, monkeypatch):
    from benchlearn.practices import search

    monkeypatch.setattr(search, "unaccent_available", lambda: False)
    page = search_page(practices_public(), PracticeQuery(q="odpadow"), 1)
    assert _titles(page) == ["Gospodarka odpadami w gminie", "Punkt selektywnej zbiórki"]
