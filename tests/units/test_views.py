import io

from django.core.management import call_command

from benchlearn.units.services import context_load_bundled, unit_registry_load_bundled
from tests.conftest import client_for


def test_unit_page_shows_team_and_groups_to_its_participant(programme, group):
    response = client_for(programme["participant_a"]).get("/units/2461011/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bielsko-Biała" in html
    assert "Anna Uczestniczka" in html
    assert group.name in html


def test_participant_of_another_unit_gets_the_404_of_a_unit_that_does_not_exist(programme):
    response = client_for(programme["participant_b"]).get("/units/2461011/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no unit with TERYT code 2461011 that you may open." in html
    assert "Anna Uczestniczka" not in html


def test_unknown_unit_gets_a_clear_404(programme):
    response = client_for(programme["operator"]).get("/units/0000000/")
    assert response.status_code == 404
    message = "There is no unit with TERYT code 0000000 that you may open."
    assert message in response.content.decode()


def test_unit_list_is_open_to_every_account_and_links_only_pages_they_may_open(programme):
    response = client_for(programme["stranger"]).get("/units/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bielsko-Biała" in html and "Bestwina" in html
    assert 'href="/units/2402022/"' in html  # the stranger's own unit
    assert 'href="/units/2461011/"' not in html


def test_unit_list_searches_filters_and_pages(operator):
    unit_registry_load_bundled()
    context_load_bundled()
    client = client_for(operator)
    html = client.get("/units/?q=2402").content.decode()
    assert "Bestwina" in html and "Gliwice" not in html
    html = client.get("/units/?kind=mnpp&voivodeship=śląskie&population=gt100k").content.decode()
    assert "12 units in the register." in html and "Gliwice" in html
    first = client.get("/units/?kind=gw").content.decode()
    assert "1,464 units in the register." in first and "Page 1 of 30" in first
    assert 'href="?kind=gw&amp;page=2"' in first
    assert "Page 2 of 30" in client.get("/units/?kind=gw&page=2").content.decode()


def test_unit_list_query_count_does_not_grow_with_the_page(operator, django_assert_max_num_queries):
    unit_registry_load_bundled()
    context_load_bundled()
    client = client_for(operator)
    with django_assert_max_num_queries(12):
        client.get("/units/")


def test_unit_page_shows_context_by_year_and_register_history(tmp_path, programme, unit_a):
    context_load_bundled()
    lines = [
        "TERYT,WOJ,POW,GMI,RODZ,NAZWA,NAZWA_DOD,STAN_NA",
        "24,24,,,,ŚLĄSKIE,województwo,2025-01-01",
        "2402,24,02,,,bielski,powiat,2025-01-01",
        "2402022,24,02,02,2,Bestwina,gmina wiejska,2025-01-01",
        "2461011,24,61,01,1,Bielsko-Biała Nowa,gmina miejska,2025-01-01",
    ]
    path = tmp_path / "terc.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("import-units", str(path), "--allow-mass-abolition", stdout=io.StringIO())

    html = client_for(programme["participant_a"]).get("/units/2461011/").content.decode()
    assert "Population" in html or "Ludność" in html
    assert "2018" in html
    assert "171,259" in html  # Bielsko-Biała on 31.12.2018
    assert "renamed — Bielsko-Biała → Bielsko-Biała Nowa" in html

    html = client_for(programme["participant_b"]).get("/units/2466011/").content.decode()
    assert "This unit was abolished on" in html
