"""A programme's public settings: whether its units are named on the portal, the
minimum units behind a public figure and the largest share of one unit; kept in its
history, bad values refused with nothing stored."""

import pytest
from django.test import Client

from benchlearn.groups.models import Programme
from benchlearn.groups.services import ProgrammeError, edit_token, programme_create
from tests.conftest import client_for
from tests.public.conftest import YEAR

RESULTS = f"/portal/indicators/EDU_COST_PUPIL/{YEAR}/"


def _form(programme, **changes):
    return {
        "name": programme.name,
        "first_year": str(programme.first_year),
        "last_year": str(programme.last_year),
        "min_group_size": "3",
        "base_token": edit_token(programme.updated_at),
        **changes,
    }


def test_defaults_name_nobody_five_units_half_share(db):
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    assert (programme.public_names, programme.public_min_units, programme.public_max_share) == (
        False,
        5,
        0.5,
    )


def test_the_office_changes_them_on_the_programme_page_with_history(operator, settings):
    settings.LANGUAGE_CODE = "pl"
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    client = client_for(operator)
    response = client.post(
        f"/groups/programmes/{programme.pk}/",
        _form(programme, public_names="on", public_min_units="7", public_max_share="0,4"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.public_names, programme.public_min_units, programme.public_max_share) == (
        True,
        7,
        0.4,
    )
    change = programme.changes.get(kind="updated")
    assert change.changes["public_min_units"] == [5, 7]
    assert "Portal publiczny" in client.get(f"/groups/programmes/{programme.pk}/").content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("public_min_units", "2", "A public figure rests on at least 3 units."),
        ("public_max_share", "1.5", "The largest share of one unit is a fraction above 0"),
        ("public_max_share", "0", "The largest share of one unit is a fraction above 0"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_stored(operator, field, value, message):
    programme = programme_create(name="Doskonalenie", first_year=2026, last_year=2027)
    response = client_for(operator).post(
        f"/groups/programmes/{programme.pk}/", _form(programme, **{field: value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    programme.refresh_from_db()
    assert (programme.public_min_units, programme.public_max_share) == (5, 0.5)
    assert not programme.changes.filter(kind="updated").exists()
    with pytest.raises(ProgrammeError):
        programme_create(name="X", first_year=2026, last_year=2027, **{field: float(value)})


def test_a_form_without_the_public_settings_keeps_them(operator):
    programme = programme_create(
        name="Doskonalenie", first_year=2026, last_year=2027, public_min_units=8
    )
    client_for(operator).post(f"/groups/programmes/{programme.pk}/", _form(programme))
    assert Programme.objects.get().public_min_units == 8


def test_units_are_named_only_where_every_programme_of_theirs_agreed(published, group, unit_a):
    # Unit A's programme agrees; its value is then on the page, by name.
    agreeing = programme_create(
        name="Jawny", first_year=2024, last_year=2025, groups=[group], public_names=True
    )
    page = Client().get(RESULTS).content.decode()
    # Its members have no result in these data: nobody to name yet.
    assert "Units that publish their results" not in page
    member = published.result_rows.values_list("unit__name", flat=True).first()
    group.units.add(published.result_rows.first().unit)
    group.save(update_fields=["updated_at"])
    assert member in Client().get(RESULTS).content.decode()
    # Another programme of the same unit did not agree: the unit is not named.
    other = group.__class__.objects.create(name="Druga", service="Oświata", cycle_start=2024)
    other.units.add(published.result_rows.first().unit)
    programme_create(name="Poufny", first_year=2024, last_year=2025, groups=[other])
    page = Client().get(RESULTS).content.decode()
    assert "Units that publish their results" not in page
    assert agreeing.public_names
