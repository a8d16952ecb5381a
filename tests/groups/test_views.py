import pytest

from benchlearn.groups.services import group_create
from benchlearn.meetings.services import meetings_plan, plan_proposal
from benchlearn.results.services import computation_request, computation_run
from tests.conftest import IMMEDIATE_TASKS, client_for
from tests.results.conftest import (  # noqa: F401 - fixtures
    computed_programme,
    extra_units,
    published,
)


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
    assert "There is no exchange group number 99999 that you may open." in response.content.decode()


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


def test_group_page_says_when_results_are_not_computed_yet(programme, group):
    html = client_for(programme["moderator"]).get(f"/groups/{group.pk}/").content.decode()
    assert "The group's results have not been computed yet" in html
    assert f"/groups/{group.pk}/report.pdf" not in html
    assert f"/groups/{group.pk}/meeting-pack.pdf" not in html
    assert "?group=exchange-" not in html


@pytest.fixture
def computed(computed_programme, operator):  # noqa: F811 - the fixture imported above
    computation_run(computation_request(user=operator).pk)
    return computed_programme


def test_group_page_links_to_the_reports_and_each_members_results(
    computed, programme, group, unit_a, unit_b, settings
):
    report = f"/groups/{group.pk}/report.pdf"
    pack = f"/groups/{group.pk}/meeting-pack.pdf"
    moderator = client_for(programme["moderator"])
    html = moderator.get(f"/groups/{group.pk}/").content.decode()
    # No meeting is planned yet: the pack is not offered (it would be a 404).
    assert report in html and pack not in html
    for unit in (unit_a, unit_b):
        assert f"/units/{unit.teryt}/results/?group=exchange-{group.pk}" in html
    settings.TASKS = IMMEDIATE_TASKS  # the PDF is made at once and comes in the answer
    response = moderator.get(report)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # The pack is a meeting's: none is planned yet (tests/reports/test_meeting_pack.py).
    assert b"has no meetings planned yet" in moderator.get(pack).content
    meetings_plan(group=group, by=programme["moderator"], rows=plan_proposal(group))
    assert pack in moderator.get(f"/groups/{group.pk}/").content.decode()
    # A participant opens only their own unit's results, and the group's plans.
    member = client_for(programme["participant_a"])
    html = member.get(f"/groups/{group.pk}/").content.decode()
    assert report in html and pack in html
    assert f'href="/groups/{group.pk}/plans/"' in html
    assert member.get(f"/groups/{group.pk}/plans/").status_code == 200
    assert f"/units/{unit_a.teryt}/results/?group=exchange-{group.pk}" in html
    assert f"/units/{unit_b.teryt}/results/?group=exchange-{group.pk}" not in html
    page = member.get(f"/units/{unit_a.teryt}/results/?group=exchange-{group.pk}")
    assert page.status_code == 200


@pytest.mark.parametrize("person", ["stranger", "nobody"])
def test_group_page_and_reports_refuse_who_may_not_download(computed, programme, group, person):
    client = client_for(programme[person])
    response = client.get(f"/groups/{group.pk}/")
    assert response.status_code == 404  # as for a group that does not exist
    assert b"report.pdf" not in response.content and b"meeting-pack" not in response.content
    for url in (f"/groups/{group.pk}/report.pdf", f"/groups/{group.pk}/meeting-pack.pdf"):
        assert client.get(url).status_code == 404
