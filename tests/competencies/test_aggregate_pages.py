"""The office's page of a programme's competency aggregates and a group's page for its
moderator: figures behind five people shown, fewer said in words with n, never a mean;
the group's members are refused, others told it is missing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchlearn.groups.services import group_create, programme_create
from benchlearn.units.models import Level
from tests.competencies.cohort import END, START, assess, extra_units, seat_holders
from tests.conftest import client_for


@pytest.fixture
def shown(scheme, group, operator):
    owner = programme_create(name="Kompetencje", first_year=2026, last_year=2027, groups=[group])
    units = extra_units(9)
    five = seat_holders(group, Level.OPERATIONAL, 5, by=operator, tag="op", units=units[:5])
    four = seat_holders(group, Level.MIDDLE, 4, by=operator, tag="mid", units=units[5:])
    for person in five:
        assess(person, group, scheme, START, {"MEASURE": 1})
        assess(person, group, scheme, END, {"MEASURE": 2})
    for person in four:
        assess(person, group, scheme, START, {"LEAD": 1})
    return owner


def _row(text: str, marker: str) -> str:
    start = text.index(f'data-cell="{marker}"')
    return text[start : text.index("</tr>", start)]


def test_the_office_sees_the_programmes_gaps_and_the_withheld_cells(shown, operator, group):
    page = client_for(operator).get(f"/competencies/programmes/{shown.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    operational = _row(text, "MEASURE-operational")
    assert "1.00" in operational and "2.00" in operational and "+1.00" in operational
    middle = _row(text, "LEAD-middle")
    assert "fewer than 5 people — not shown" in middle
    assert "1.00" not in middle and "3.00" not in middle
    assert 'data-largest="operational"' in text
    assert "mean gap 1.00 (5 people)" in text
    assert f"/competencies/groups/{group.pk}/" in text
    assert f"/competencies/programmes/{shown.pk}/competencies.pdf" in text
    assert f"/competencies/programmes/{shown.pk}/trainings/" in text


def test_the_page_in_polish_says_fewer_than_five_in_polish(shown, operator, settings):
    settings.LANGUAGE_CODE = "pl"
    text = client_for(operator).get(f"/competencies/programmes/{shown.pk}/").content.decode()
    assert "mniej niż 5 osób — nie pokazano" in text
    assert "Pomiar i monitorowanie wyników" in text


def test_the_groups_moderator_sees_its_aggregates(shown, moderator, group):
    page = client_for(moderator).get(f"/competencies/groups/{group.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "+1.00" in _row(text, "MEASURE-operational")
    assert "fewer than 5 people — not shown" in _row(text, "LEAD-middle")


@pytest.mark.parametrize(("role", "status"), [("participant_a", 403), ("stranger", 404)])
def test_others_do_not_see_a_groups_aggregates(programme, shown, group, role, status):
    assert (
        client_for(programme[role]).get(f"/competencies/groups/{group.pk}/").status_code == status
    )


def test_a_moderator_may_not_open_the_programmes_page(shown, moderator):
    assert client_for(moderator).get(f"/competencies/programmes/{shown.pk}/").status_code == 403


def test_the_programme_list_links_the_competencies_for_the_office(shown, operator):
    text = client_for(operator).get("/groups/programmes/").content.decode()
    assert f"/competencies/programmes/{shown.pk}/" in text


def test_the_group_page_links_its_aggregates_for_its_moderator_only(
    shown, group, moderator, participant_a
):
    link = f"/competencies/groups/{group.pk}/"
    assert link in client_for(moderator).get(f"/groups/{group.pk}/").content.decode()
    assert link not in client_for(participant_a).get(f"/groups/{group.pk}/").content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_programme_page_reads_as_many_queries_whatever_the_groups(
    scheme, shown, operator, unit_c
):
    client = client_for(operator)
    url = f"/competencies/programmes/{shown.pk}/"
    one_group = _queries(client, url)
    other = group_create(
        name="GWD Odpady", service="Odpady", cycle_start=2025, moderator=None, units=[unit_c]
    )
    shown.groups.add(other)
    person = seat_holders(other, Level.STRATEGIC, 1, by=operator, tag="odp", units=[unit_c])[0]
    assess(person, other, scheme, START, {"LEAD": 2})
    assert _queries(client, url) == one_group
