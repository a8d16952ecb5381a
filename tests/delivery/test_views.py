"""The unit's pages of organisational forms: the list per year, one service's form with
its history; refusals with a message and nothing stored; two people at once."""

import pytest

from benchlearn.delivery.models import Delivery, DeliveryChange
from tests.conftest import client_for
from tests.delivery.conftest import YEAR, record


def _url(unit, domain="EDU", year=YEAR) -> str:
    return f"/units/{unit.teryt}/delivery/{domain}/?year={year}"


def _post(user, unit, revision=0, domain="EDU", **fields):
    data = {"revision": str(revision), **fields}
    return client_for(user).post(_url(unit, domain), data)


def test_participant_enters_the_forms_and_reads_them_back(unit_a, domains, participant_a):
    response = _post(
        participant_a, unit_a, share_company="70", note_company="MPGK", share_private="30"
    )
    assert response.status_code == 302 and response["Location"] == _url(unit_a)
    page = client_for(participant_a).get(f"/units/{unit_a.teryt}/delivery/?year={YEAR}")
    html = page.content.decode()
    assert "municipal company</strong> 70 %" in html and "MPGK" in html
    assert "contracted private operator</strong> 30 %" in html
    history = client_for(participant_a).get(_url(unit_a)).content.decode()
    assert "Anna Uczestniczka" in history and "municipal company 70 % (MPGK)" in history


def test_shares_over_100_get_a_message_and_nothing_is_stored(unit_a, domains, participant_a):
    response = _post(participant_a, unit_a, share_company="70", share_union="50,5")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The organisational forms were not saved" in html
    assert "The shares add up to 120.5 %" in html
    assert not Delivery.objects.exists()


def test_polish_decimal_comma_is_read(settings, unit_a, domains, participant_a):
    settings.LANGUAGE_CODE = "pl"
    response = _post(participant_a, unit_a, share_company="62,5", share_department="37,5")
    assert response.status_code == 302
    assert sorted(
        str(s) for s in Delivery.objects.get().shares.values_list("share", flat=True)
    ) == ["37.50", "62.50"]


def test_a_note_without_a_share_is_refused(unit_a, domains, participant_a):
    response = _post(participant_a, unit_a, note_other="fundacja")
    assert response.status_code == 400
    assert "Give the share of other form, or leave its note empty." in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_share_that_is_not_a_number_is_refused(unit_a, domains, participant_a):
    response = _post(participant_a, unit_a, share_company="dużo")
    assert response.status_code == 400
    assert "Enter a number." in response.content.decode()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("who", ["participant_b", "stranger", "nobody"])
def test_people_of_other_units_may_not_edit(programme, unit_a, domains, who):
    response = _post(programme[who], unit_a, share_company="100")
    assert response.status_code == 404
    assert not Delivery.objects.exists()


def test_a_moderator_of_another_group_may_not_edit(group, unit_c, domains, moderator):
    response = _post(moderator, unit_c, share_company="100")
    assert response.status_code == 404
    assert not Delivery.objects.exists()


def test_the_groups_moderator_records_for_a_member(group, unit_a, domains, moderator):
    assert _post(moderator, unit_a, share_union="100").status_code == 302
    assert Delivery.objects.get().updated_by == moderator


def test_the_second_of_two_editors_gets_a_conflict_and_keeps_what_they_typed(
    group, unit_a, domains, participant_a, moderator
):
    # Both opened the empty form (revision 0); the moderator saved first.
    assert _post(moderator, unit_a, share_company="100").status_code == 302
    response = _post(participant_a, unit_a, share_department="80", note_department="Wydział")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your changes were not saved: Marek Moderator changed these forms" in html
    assert "Saved meanwhile by someone else" in html
    assert 'value="80"' in html and 'value="Wydział"' in html  # what they typed stays
    assert 'name="revision" value="1"' in html  # saving again replaces it, knowingly
    assert list(Delivery.objects.get().shares.values_list("form", flat=True)) == ["company"]
    again = _post(participant_a, unit_a, revision=1, share_department="80")
    assert again.status_code == 302
    assert list(Delivery.objects.get().shares.values_list("form", flat=True)) == ["department"]
    assert DeliveryChange.objects.count() == 2


def test_a_new_year_starts_from_the_last_recorded_one(unit_a, domains, participant_a):
    record(unit_a, domains["EDU"], participant_a, ("company", 100), period=YEAR - 1)
    html = client_for(participant_a).get(_url(unit_a)).content.decode()
    assert "the form shows the forms of 2023" in html
    assert 'name="share_company" value="100"' in html


def test_an_impossible_year_or_service_is_a_404_that_says_so(unit_a, domains, participant_a):
    client = client_for(participant_a)
    response = client.get(f"/units/{unit_a.teryt}/delivery/?year=1850")
    assert response.status_code == 404 and "There is no year 1850 here" in response.content.decode()
    response = client.get(f"/units/{unit_a.teryt}/delivery/ROADS/")
    assert response.status_code == 404
    assert "There is no service (domain) ROADS." in response.content.decode()


def test_the_dashboard_links_from_the_unit_and_the_collection_form(unit_a, domains, participant_a):
    html = client_for(participant_a).get(f"/units/{unit_a.teryt}/").content.decode()
    assert f'href="/units/{unit_a.teryt}/delivery/"' in html
