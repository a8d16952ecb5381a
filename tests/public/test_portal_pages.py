"""The public portal's pages, as anyone without an account reads them."""

import re

import pytest
from django.test import Client

from benchlearn.catalogue.services import catalogue_import, catalogue_publish
from benchlearn.groups.services import programme_create
from tests.collection.test_validity import AFTER, BEFORE
from tests.public.conftest import YEAR

RESULTS = f"/portal/indicators/EDU_COST_PUPIL/{YEAR}/"


def _text(response) -> str:
    return response.content.decode()


def test_the_start_page_lists_the_sets_and_the_publication(published):
    response = Client().get("/portal/")
    assert response.status_code == 200
    page = _text(response)
    assert '<meta name="description"' in page
    assert "Results published on" in page
    assert "2024–2024" in page


def test_the_portal_speaks_polish_by_default(published, settings):
    settings.LANGUAGE_CODE = "pl"
    page = _text(Client().get(RESULTS))
    assert '<html lang="pl">' in page
    assert "Wydatki bieżące na ucznia" in page
    assert "Według rodzaju jednostki" in page


def test_the_indicators_page_shows_published_definitions(published):
    page = _text(Client().get("/portal/indicators/"))
    assert "Current expenditure per pupil" in page
    detail = _text(Client().get("/portal/indicators/EDU_COST_PUPIL/"))
    assert "EDU_EXP / PUPILS" in detail
    assert f'href="/portal/indicators/EDU_COST_PUPIL/{YEAR}/"' in detail


def test_unknown_or_unpublished_indicators_are_not_found(published):
    for path in ("/portal/indicators/NOPE/", f"/portal/indicators/NOPE/{YEAR}/"):
        response = Client().get(path)
        assert response.status_code == 404
        assert "There is no published indicator with the code NOPE." in _text(response)


def test_a_year_without_results_is_not_found_with_a_sentence(published):
    response = Client().get("/portal/indicators/EDU_COST_PUPIL/1999/")
    assert response.status_code == 404
    assert "The published results have no values of EDU_COST_PUPIL for 1999." in _text(response)
    # A year that is no number does not match the page at all.
    assert Client().get("/portal/indicators/EDU_COST_PUPIL/20x4/").status_code == 404


def test_the_results_page_shows_figures_by_class_and_withholds_small_ones(published):
    response = Client().get(RESULTS)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
    page = _text(response)
    assert "<title>Current expenditure per pupil in 2024: averaged results" in page
    # Three tables, each with a chart drawn on the server, an image of its own.
    for dimension in ("kind", "band", "voivodeship"):
        src = f"/portal/indicators/EDU_COST_PUPIL/{YEAR}/{dimension}.svg"
        assert f'<img src="{src}" alt="Median by class: ' in page
        chart = Client().get(src)
        assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
        assert chart.content.startswith(b"<svg") and b"<script" not in chart.content
    # The two gminas of 50,000–100,000 residents are below 5: their row is withheld,
    # and so is one more, so that they cannot be worked out from the total.
    band = page[page.index('id="section-band"') : page.index('id="section-voivodeship"')]
    withheld = re.findall(r'<tr class="withheld"><th scope="row">([^<]+)</th>', band)
    assert "50,000–100,000" in withheld
    assert len(withheld) >= 2
    assert "“—”: withheld. A figure is shown only when at least 5 units" in page


def test_no_unit_is_named_unless_its_programme_agreed(published, group, unit_a):
    assert "Units that publish their results" not in _text(Client().get(RESULTS))


def test_a_stricter_programme_withholds_more(published, group):
    before = _text(Client().get(RESULTS)).count('class="withheld"')
    programme_create(
        name="Ścisły", first_year=2024, last_year=2025, groups=[group], public_min_units=20
    )
    after = _text(Client().get(RESULTS)).count('class="withheld"')
    assert after > before


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_pages_name_years_without_separators(published, language, settings):
    settings.LANGUAGE_CODE = language
    page = _text(Client().get("/portal/indicators/EDU_COST_PUPIL/"))
    assert "2\u00a0024" not in page and "2,024" not in page and "2 024" not in page


def test_a_chart_of_nothing_known_is_not_found_with_a_sentence(published):
    bad = Client().get(f"/portal/indicators/EDU_COST_PUPIL/{YEAR}/gender.svg")
    assert bad.status_code == 404
    assert "There is no chart “gender”: choose kind, band or voivodeship." in _text(bad)
    assert Client().get("/portal/indicators/EDU_COST_PUPIL/1999/kind.svg").status_code == 404
    assert Client().get(f"/portal/indicators/NOPE/{YEAR}/kind.svg").status_code == 404


def test_the_indicator_page_marks_a_break_in_series_and_each_version_s_years(
    db, operator, settings
):
    # COVER computed from the subvention to 2024 and from the educational needs since
    # 2025 (the two catalogues of tests/collection/test_validity.py), both published.
    catalogue_import(text=BEFORE, user=operator)
    catalogue_publish(user=operator)
    catalogue_import(text=AFTER, user=operator)
    catalogue_publish(user=operator)
    settings.LANGUAGE_CODE = "pl"
    page = _text(Client().get("/portal/indicators/COVER/"))
    assert "Przerwa w szeregu od 2025 r." in page
    assert "Subwencja oświatowa zniesiona od 2025 r." in page
    versions = page.split("Opublikowane wersje definicji")[1]
    assert "Do 2024 r." in versions and "od 2025 r." in versions
