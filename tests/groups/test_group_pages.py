"""Operators create and edit groups and programmes on Benchlearn's own pages; every
change is in the group's or programme's history; two people editing at once never
overwrite each other silently."""

import pytest

from benchlearn.accounts.models import AccessChange
from benchlearn.catalogue.services import domain_create
from benchlearn.groups.models import ExchangeGroup, GroupChange, Programme, SeatHolding
from benchlearn.groups.services import edit_token, programme_create, seat_fill
from benchlearn.units.models import Level
from tests.conftest import client_for


@pytest.fixture
def domain(operator):
    return domain_create(user=operator, code="EDU", name_pl="Oświata", name_en="Education")


def _group_post(group: ExchangeGroup, **changes) -> dict:
    data = {
        "name": group.name,
        "domain": group.domain_id or "",
        "service": group.service,
        "programme": group.programme_id or "",
        "cycle_start": group.cycle_start,
        "moderator": group.moderator_id or "",
        "units": [u.pk for u in group.units.all()],
        "base_token": edit_token(group.updated_at),
    }
    if group.anonymised:
        data["anonymised"] = "on"
    data.update(changes)
    return data


def test_an_operator_creates_a_group_finding_its_members_by_name(
    operator, moderator, domain, unit_a, unit_b
):
    client = client_for(operator)
    assert "New exchange group" in client.get("/groups/").content.decode()
    form = {
        "name": "GWD Edukacja",
        "domain": domain.pk,
        "cycle_start": "2026",
        "moderator": moderator.pk,
        "units": [unit_a.pk],
        "unit_search": "Gliwi",
        "find": "1",
    }
    # The search shows the units found beside the chosen one, and saves nothing.
    found = client.post("/groups/new/", form)
    assert found.status_code == 200
    html = found.content.decode()
    assert f'value="{unit_b.pk}"' in html and "Gliwice" in html
    assert not ExchangeGroup.objects.filter(name="GWD Edukacja").exists()
    del form["find"]
    form["units"] = [unit_a.pk, unit_b.pk]
    response = client.post("/groups/new/", form)
    assert response.status_code == 302
    group = ExchangeGroup.objects.get(name="GWD Edukacja")
    assert group.domain == domain and group.service == "Oświata"
    assert group.moderator == moderator
    assert set(group.units.all()) == {unit_a, unit_b}
    (created,) = GroupChange.objects.filter(group=group)
    assert created.kind == "created" and created.changed_by == operator
    assert created.changes["moderator"] == [None, str(moderator)]


def test_an_edit_is_recorded_and_shown_as_the_groups_history(programme, group, domain, unit_c):
    operator = programme["operator"]
    client = client_for(operator)
    response = client.post(
        f"/groups/{group.pk}/edit/",
        _group_post(group, domain=domain.pk, anonymised="on", units=[unit_c.pk]),
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.anonymised and list(group.units.all()) == [unit_c]
    change = GroupChange.objects.filter(group=group, kind="updated").get()
    assert change.changed_by == operator
    assert change.changes["anonymised"] == [False, True]
    assert change.changes["units"][1] == [f"{unit_c.name} ({unit_c.teryt})"]
    # The access log has the members who left and joined, as before.
    assert AccessChange.objects.filter(kind="group_membership", by=operator).count() == 3
    html = client.get(f"/groups/{group.pk}/edit/").content.decode()
    assert "History of changes" in html and "Bestwina" in html


def test_two_people_editing_a_group_do_not_overwrite_each_other(programme, group, domain):
    first, second = client_for(programme["operator"]), client_for(programme["operator"])
    opened = _group_post(group, domain=domain.pk)  # both forms opened on the same state
    assert (
        first.post(f"/groups/{group.pk}/edit/", {**opened, "name": "GWD Szkoły"}).status_code == 302
    )
    response = second.post(f"/groups/{group.pk}/edit/", {**opened, "service": "Przedszkola"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else changed this in the meantime" in html
    assert "GWD Szkoły" in html  # what the other person changed
    group.refresh_from_db()
    assert group.name == "GWD Szkoły" and group.service == "Oświata"  # nothing stored


def test_a_cycle_outside_the_programmes_years_is_refused(programme, group, domain):
    plan = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    response = client_for(programme["operator"]).post(
        f"/groups/{group.pk}/edit/",
        _group_post(group, programme=plan.pk, cycle_start="2030", domain=domain.pk),
    )
    assert response.status_code == 400
    assert "The cycle must start within the programme&#x27;s years (2026–2027)." in (
        response.content.decode()
    )
    group.refresh_from_db()
    assert group.programme is None and group.cycle_start == 2025


def test_only_operators_create_and_edit_groups(programme, group):
    for role in ("moderator", "participant_a"):
        client = client_for(programme[role])
        assert client.get("/groups/new/").status_code == 403
        assert client.post("/groups/new/", {"name": "x"}).status_code == 403
        edit = client.post(f"/groups/{group.pk}/edit/", _group_post(group, name="Przejęta"))
        assert edit.status_code == 403
    assert client_for(programme["stranger"]).get(f"/groups/{group.pk}/edit/").status_code == 404
    group.refresh_from_db()
    assert group.name == "GWD Oświata"
    assert not GroupChange.objects.filter(kind="updated").exists()


def test_a_unit_leaving_the_group_leaves_its_seats_with_their_history(
    programme, group, unit_a, domain
):
    seat_fill(
        group=group,
        unit=unit_a,
        level=Level.STRATEGIC,
        user=programme["participant_a"],
        by=programme["operator"],
    )
    remaining = [u.pk for u in group.units.exclude(pk=unit_a.pk)]
    client_for(programme["operator"]).post(
        f"/groups/{group.pk}/edit/", _group_post(group, units=remaining, domain=domain.pk)
    )
    (holding,) = SeatHolding.objects.filter(group=group, unit=unit_a)
    assert holding.ended_at is not None and holding.end_reason == "unit_left"


def test_programme_settings_changes_are_its_history(operator, group):
    programme = programme_create(
        name="Doskonalenie 2026–2027", first_year=2026, last_year=2027, by=operator
    )
    client = client_for(operator)
    response = client.post(
        f"/groups/programmes/{programme.pk}/",
        {
            "name": "Doskonalenie 2026–2027",
            "associations": "Związek Miast Polskich, Związek Gmin Wiejskich RP",
            "first_year": "2026",
            "last_year": "2027",
            "min_group_size": "5",
            "groups": [group.pk],
            "base_token": edit_token(programme.updated_at),
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.min_group_size == 5 and "Związek Miast Polskich" in programme.associations
    change = programme.changes.get(kind="updated")
    assert change.changed_by == operator
    assert change.changes["min_group_size"] == [3, 5]
    assert change.changes["groups"] == [[], ["GWD Oświata"]]
    html = client.get(f"/groups/programmes/{programme.pk}/").content.decode()
    assert "minimum group size for published figures" in html
    assert "„3” → „5”" in html
    list_html = client.get("/groups/programmes/").content.decode()
    assert "Związek Miast Polskich" in list_html


def test_a_stale_programme_form_is_refused_with_what_changed(operator):
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027, by=operator)
    opened = {
        "name": "Doskonalenie",
        "first_year": "2026",
        "last_year": "2027",
        "min_group_size": "3",
        "base_token": edit_token(programme.updated_at),
    }
    client = client_for(operator)
    assert (
        client.post(
            f"/groups/programmes/{programme.pk}/", {**opened, "min_group_size": "4"}
        ).status_code
        == 302
    )
    response = client.post(f"/groups/programmes/{programme.pk}/", {**opened, "last_year": "2028"})
    assert response.status_code == 409
    assert "min_group_size" in response.content.decode()
    programme.refresh_from_db()
    assert programme.min_group_size == 4 and programme.last_year == 2027
    assert Programme.objects.count() == 1


def test_a_programme_changed_in_the_admin_has_it_in_its_history(operator):
    client = client_for(operator)
    form = {
        "name": "Doskonalenie",
        "associations": "ZMP",
        "first_year": "2026",
        "last_year": "2027",
        "min_group_size": "3",
    }
    assert client.post("/admin/groups/programme/add/", form).status_code == 302
    programme = Programme.objects.get()
    response = client.post(
        f"/admin/groups/programme/{programme.pk}/change/", {**form, "min_group_size": "4"}
    )
    assert response.status_code == 302
    assert [c.kind for c in programme.changes.order_by("pk")] == ["created", "updated"]
    assert programme.changes.get(kind="updated").changes == {"min_group_size": [3, 4]}


def test_a_group_moved_between_programmes_has_it_in_its_own_history(operator, group):
    first = programme_create(
        name="Pierwszy", first_year=2025, last_year=2026, groups=[group], by=operator
    )
    second = programme_create(name="Drugi", first_year=2025, last_year=2026, by=operator)
    token = edit_token(ExchangeGroup.objects.get(pk=group.pk).updated_at)
    client_for(operator).post(
        f"/groups/programmes/{second.pk}/",
        {
            "name": "Drugi",
            "first_year": "2025",
            "last_year": "2026",
            "min_group_size": "3",
            "groups": [group.pk],
            "base_token": edit_token(second.updated_at),
        },
    )
    group.refresh_from_db()
    assert group.programme == second
    moves = [c.changes["programme"] for c in group.changes.filter(kind="updated").order_by("pk")]
    assert moves == [[None, "Pierwszy"], ["Pierwszy", "Drugi"]]
    assert edit_token(group.updated_at) != token  # a group form opened before is stale
    assert list(first.groups.all()) == []
