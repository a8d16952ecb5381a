from benchlearn.groups.services import group_create
from tests.conftest import client_for


def test_group_list_shows_only_groups_the_person_may_see(programme, group, unit_c):
    other = group_create(
        name="GWD Drogi", service="Drogi", cycle_start=2025, moderator=None, units=[unit_c]
    )
    member_html = client_for(programme["participant_a"]).get("/groups/").content.decode()
    assert group.name in member_html
    assert other.name not in member_html
    stranger_html = client_for(programme["stranger"]).get("/groups/").content.decode()
    assert other.name in stranger_html
    assert group.name not in stranger_html


def test_group_page_lists_members_and_their_participants(programme, group):
    html = client_for(programme["participant_b"]).get(f"/groups/{group.pk}/").content.decode()
    assert "Bielsko-Biała" in html
    assert "Gliwice" in html
    assert "Anna Uczestniczka" in html
    assert "You moderate this group." not in html
    moderator_html = client_for(programme["moderator"]).get(f"/groups/{group.pk}/").content.decode()
    assert "You moderate this group." in moderator_html


def test_unknown_group_gets_404(programme):
    response = client_for(programme["operator"]).get("/groups/99999/")
    assert response.status_code == 404
    assert "There is no exchange group number 99999." in response.content.decode()


def test_group_list_query_count_does_not_grow_with_groups(
    programme, group, units, django_assert_max_num_queries
):
    for number in range(10):
        group_create(
            name=f"GWD {number}",
            service="Kultura",
            cycle_start=2024,
            moderator=None,
            units=list(units.values()),
        )
    client = client_for(programme["operator"])
    with django_assert_max_num_queries(10):
        response = client.get("/groups/")
    assert response.content.decode().count("/groups/") >= 11


def test_cycle_years_are_written_without_thousands_separators(programme, group, settings):
    settings.LANGUAGE_CODE = "pl"
    html = client_for(programme["participant_a"]).get(f"/groups/{group.pk}/").content.decode()
    assert "2025–2026" in html
