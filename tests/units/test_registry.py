"""The bundled registry of Polish units and refreshing it by TERYT code."""

import csv

from benchlearn.groups.services import group_create
from benchlearn.units.models import Level, Unit, UnitKind, UnitMembership
from benchlearn.units.services import (
    BUNDLED_GMINY,
    unit_membership_set,
    unit_registry_load,
    unit_registry_load_bundled,
)
from tests.conftest import make_user


def test_bundled_registry_has_every_polish_unit(db):
    result = unit_registry_load_bundled()
    counts = {kind: Unit.objects.filter(kind=kind).count() for kind in UnitKind.values}
    assert counts == {
        UnitKind.VOIVODESHIP: 16,
        UnitKind.COUNTY: 314,
        UnitKind.CITY_COUNTY: 66,
        UnitKind.URBAN_GMINA: 302 - 66,
        UnitKind.RURAL_GMINA: 1464,
        UnitKind.URBAN_RURAL_GMINA: 711,
    }
    assert result.created == sum(counts.values())
    bestwina = Unit.objects.select_related("parent__parent").get(teryt="2402022")
    assert bestwina.kind == UnitKind.RURAL_GMINA
    assert bestwina.parent.name == "powiat bielski"
    assert bestwina.parent.parent.name == "województwo śląskie"
    warszawa = Unit.objects.get(teryt="1465011")
    assert warszawa.kind == UnitKind.CITY_COUNTY
    assert warszawa.parent.teryt == "14"


def test_loading_again_changes_nothing(db):
    unit_registry_load_bundled()
    before = Unit.objects.count()
    again = unit_registry_load_bundled()
    assert (again.created, again.updated) == (0, 0)
    assert Unit.objects.count() == before


def test_refresh_renames_by_teryt_and_keeps_what_is_attached(db):
    with BUNDLED_GMINY.open(encoding="utf-8", newline="") as handle:
        current = [row for row in csv.DictReader(handle) if row["teryt7"] == "2212082"]
    # Gmina 2212082 was called Słupsk until 2023 and is Redzikowo in the 2024 register.
    unit_registry_load(gminy=[{**current[0], "name": "Słupsk"}])
    unit = Unit.objects.get(teryt="2212082")
    user = make_user("wojt@example.org", "Wójt")
    unit_membership_set(user=user, unit=unit, level=Level.STRATEGIC)
    group = group_create(
        name="GWD", service="Drogi", cycle_start=2025, moderator=None, units=[unit]
    )

    result = unit_registry_load(gminy=current)

    assert (result.created, result.updated) == (0, 1)
    unit.refresh_from_db()
    assert unit.name == "Redzikowo"
    assert UnitMembership.objects.get(user=user).unit == unit
    assert list(group.units.all()) == [unit]
