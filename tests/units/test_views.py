from tests.conftest import client_for


def test_unit_page_shows_team_and_groups_to_its_participant(programme, group):
    response = client_for(programme["participant_a"]).get("/units/2461011/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bielsko-Biała" in html
    assert "Anna Uczestniczka" in html
    assert group.name in html


def test_participant_of_another_unit_gets_a_clear_403(programme):
    response = client_for(programme["participant_b"]).get("/units/2461011/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page." in html
    assert "Anna Uczestniczka" not in html


def test_unknown_unit_gets_a_clear_404(programme):
    response = client_for(programme["operator"]).get("/units/0000000/")
    assert response.status_code == 404
    assert "There is no unit with TERYT code 0000000." in response.content.decode()
