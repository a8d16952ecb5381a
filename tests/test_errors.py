"""Error pages: clear, in the site's layout, never a traceback."""

from django.test import RequestFactory

from benchlearn.views import server_error
from tests.conftest import client_for


def test_unknown_page_is_a_404_page_in_the_layout(db):
    response = client_for(None).get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'id="main"' in html


def test_server_error_page_is_plain_and_bilingual():
    request = RequestFactory().get("/boom/")
    response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Błąd serwera" in html
    assert "Server error" in html


def test_server_error_under_api_is_json():
    response = server_error(RequestFactory().get("/api/v1/boom"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"


def test_logout_by_get_is_refused_without_logging_out(participant_a):
    client = client_for(participant_a)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").context["user"] == participant_a
