"""Programmes and groups in the API, with a token: operators see all; a moderator or a
participant the groups they moderate or belong to and those groups' programmes; a
group gives its members' TERYT codes and its seats filled per level, no names."""

import pytest
from django.test import Client

from benchlearn.accounts.services import api_token_create
from benchlearn.groups.services import group_create, programme_create, seat_fill
from benchlearn.units.models import Level


def reader(user) -> Client:
    _token, key = api_token_create(user=user, name="script", read_only=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def two_programmes(programme, group, unit_c, moderator):
    ours = programme_create(
        name="Doskonalenie zarządzania usługami publicznymi 2026–2027",
        first_year=2026,
        last_year=2027,
        associations="Związek Miast Polskich",
        groups=[group],
    )
    other_group = group_create(
        name="GWD Odpady", service="Odpady", cycle_start=2025, moderator=None, units=[unit_c]
    )
    theirs = programme_create(
        name="Inny program", first_year=2024, last_year=2025, groups=[other_group]
    )
    return ours, theirs, other_group


def test_operators_see_every_programme_newest_first(programme, two_programmes):
    ours, theirs, other_group = two_programmes
    body = reader(programme["operator"]).get("/api/v1/programmes").json()
    assert body["count"] == 2
    assert [p["id"] for p in body["items"]] == [ours.pk, theirs.pk]
    assert body["items"][1]["groups"] == [other_group.pk]
    assert body["items"][0]["associations"] == "Związek Miast Polskich"
    assert body["items"][0]["min_group_size"] == 3


@pytest.mark.parametrize("role", ["moderator", "participant_a", "participant_b"])
def test_people_of_a_group_see_its_programme_only(programme, group, two_programmes, role):
    ours, theirs, _other = two_programmes
    client = reader(programme[role])
    body = client.get("/api/v1/programmes").json()
    assert [(p["id"], p["groups"]) for p in body["items"]] == [(ours.pk, [group.pk])]
    assert client.get(f"/api/v1/programmes/{ours.pk}").json()["name"].startswith("Doskonalenie")
    hidden = client.get(f"/api/v1/programmes/{theirs.pk}")
    missing = client.get("/api/v1/programmes/987654")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(theirs.pk), "N") == missing.json()["detail"].replace(
        "987654", "N"
    )


def test_programmes_filtered_by_year(programme, two_programmes):
    _ours, theirs, _other = two_programmes
    client = reader(programme["operator"])
    assert [p["id"] for p in client.get("/api/v1/programmes?year=2025").json()["items"]] == [
        theirs.pk
    ]
    assert client.get("/api/v1/programmes?page_size=1&page=2").json()["items"][0]["id"] == (
        theirs.pk
    )


def test_a_group_gives_its_members_and_seats_filled_per_level(
    programme, group, unit_a, unit_b, two_programmes
):
    ours, _theirs, _other = two_programmes
    operator = programme["operator"]
    seat_fill(
        group=group,
        unit=unit_a,
        level=Level.STRATEGIC,
        user=programme["participant_a"],
        by=operator,
    )
    seat_fill(
        group=group,
        unit=unit_b,
        level=Level.OPERATIONAL,
        user=programme["participant_b"],
        by=operator,
    )
    seat_fill(
        group=group, unit=unit_b, level=Level.STRATEGIC, user=programme["stranger"], by=operator
    )
    body = reader(programme["participant_b"]).get(f"/api/v1/groups/{group.pk}").json()
    assert body["units"] == sorted([unit_a.teryt, unit_b.teryt])
    assert body["programme"] == ours.pk
    assert body["seats"] == {
        "strategic": 2,
        "middle": 0,
        "operational": 1,
        "filled": 3,
        "total": 6,
    }
    # Counts only: nobody's name or address beyond the moderator's name.
    text = str(body)
    for person in ("participant_a", "participant_b", "stranger"):
        assert programme[person].full_name not in text
        assert programme[person].email not in text


def test_groups_filtered_by_programme_and_cycle(programme, group, two_programmes):
    _ours, theirs, other_group = two_programmes
    operator = reader(programme["operator"])
    assert [g["id"] for g in operator.get(f"/api/v1/groups?programme={theirs.pk}").json()] == [
        other_group.pk
    ]
    assert operator.get("/api/v1/groups?cycle_start=2030").json() == []
    # A programme the reader may not see is named as the problem, not an empty list.
    refused = reader(programme["participant_a"]).get(f"/api/v1/groups?programme={theirs.pk}")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["query", "programme"]
    assert str(theirs.pk) in refused.json()["detail"][0]["msg"]


def test_a_stranger_sees_only_the_group_of_their_own_unit(programme, group, two_programmes):
    _ours, theirs, other_group = two_programmes
    client = reader(programme["stranger"])  # unit C's person: a member of "GWD Odpady"
    assert [g["id"] for g in client.get("/api/v1/groups").json()] == [other_group.pk]
    assert client.get(f"/api/v1/groups/{group.pk}").status_code == 404
    assert [p["id"] for p in client.get("/api/v1/programmes").json()["items"]] == [theirs.pk]
    assert reader(programme["nobody"]).get("/api/v1/programmes").json()["count"] == 0


def test_the_programmes_need_an_account(db):
    assert Client().get("/api/v1/programmes").status_code == 401
    assert Client().get("/api/v1/programmes/1").status_code == 401
