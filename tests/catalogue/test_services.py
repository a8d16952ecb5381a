"""Versioning rules, stale edits, publishing, import all-or-nothing, export round trip."""

import pytest
from django.core import serializers

from benchlearn.catalogue.models import (
    CatalogueChange,
    Domain,
    Indicator,
    IndicatorSet,
    IndicatorSetVersion,
    IndicatorVersion,
    Variable,
)
from benchlearn.catalogue.selectors import current_version
from benchlearn.catalogue.services import (
    CatalogueProblems,
    StaleEdit,
    catalogue_export,
    catalogue_import,
    catalogue_publish,
    edit_token,
    indicator_create,
    indicator_update,
    variable_update,
)
from tests.catalogue.conftest import SMALL_YAML

MODELS = (Domain, Variable, Indicator, IndicatorVersion, IndicatorSet, IndicatorSetVersion)


def dump() -> str:
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in MODELS)


def edit(indicator_code, user, **fields):
    indicator = Indicator.objects.get(code=indicator_code)
    current = current_version(indicator)
    return indicator_update(
        indicator=indicator,
        user=user,
        base_number=current.number,
        base_token=edit_token(current.updated_at),
        **fields,
    )


def test_unpublished_version_is_edited_in_place(catalogue, operator):
    version = edit("EDU_COST_PUPIL", operator, formula="EDU_EXP / PUPILS * 1")
    assert version.number == 1
    assert IndicatorVersion.objects.filter(indicator__code="EDU_COST_PUPIL").count() == 1


def test_computational_change_to_published_version_makes_a_new_version(catalogue, operator):
    catalogue_publish(user=operator)
    version = edit("EDU_COST_PUPIL", operator, formula="EDU_EXP / PUPILS * 1", decimals=1)
    assert version.number == 2
    assert version.published_at is None
    old = IndicatorVersion.objects.get(indicator__code="EDU_COST_PUPIL", number=1)
    assert old.formula == "EDU_EXP / PUPILS" and old.published_at is not None
    # An unpublished new version is then edited in place.
    again = edit("EDU_COST_PUPIL", operator, polarity="higher")
    assert again.number == 2


def test_text_change_to_published_version_is_in_place_and_recorded(catalogue, operator):
    catalogue_publish(user=operator)
    version = edit("EDU_COST_PUPIL", operator, name_en="Spending per pupil", unit="PLN")
    assert version.number == 1 and version.published_at is not None
    change = CatalogueChange.objects.filter(code="EDU_COST_PUPIL", kind="edited").get()
    assert change.changes["name_en"] == ["Current expenditure per pupil", "Spending per pupil"]
    assert change.changed_by == operator


def test_publish_pins_current_versions_in_sets(catalogue, operator):
    summary = catalogue_publish(user=operator)
    assert "SET_EDU v1" in summary.sets
    edit("EDU_COST_PUPIL", operator, formula="EDU_EXP / PUPILS * 1")
    summary = catalogue_publish(user=operator)
    assert summary.indicators == ["EDU_COST_PUPIL v2"] and summary.sets == ["SET_EDU v2"]
    pinned = {
        v.number: [e.indicator_version.number for e in v.entries.order_by("order")]
        for v in IndicatorSetVersion.objects.filter(set__code="SET_EDU")
    }
    assert pinned == {1: [1, 1], 2: [2, 1]}  # the old set version still points at v1
    assert catalogue_publish(user=operator).indicators == []


def test_stale_edit_is_refused_with_the_other_change(catalogue, operator, moderator):
    indicator = Indicator.objects.get(code="EDU_COST_PUPIL")
    opened = current_version(indicator)
    token = edit_token(opened.updated_at)
    edit("EDU_COST_PUPIL", operator, name_pl="Koszt ucznia")  # someone else saves first
    before = dump()
    with pytest.raises(StaleEdit) as refused:
        indicator_update(
            indicator=indicator,
            user=moderator,
            base_number=opened.number,
            base_token=token,
            name_pl="Moja nazwa",
        )
    assert dump() == before
    [other] = refused.value.edits
    assert other.who == str(operator)
    assert [(c.field, c.old, c.new) for c in other.changes] == [
        ("name_pl", "Wydatki bieżące na ucznia", "Koszt ucznia")
    ]


def test_stale_variable_edit_is_refused(catalogue, operator):
    variable = Variable.objects.get(code="PUPILS")
    token = edit_token(variable.updated_at)
    variable_update(variable=variable, user=operator, base_token=token, unit="os.")
    with pytest.raises(StaleEdit):
        variable_update(variable=variable, user=operator, base_token=token, unit="osób")
    assert Variable.objects.get(code="PUPILS").unit == "os."


def test_edit_making_a_cycle_is_refused(catalogue, operator):
    edit("PUPILS_PER_1000", operator, formula="EDU_COST_PUPIL + PUPILS")
    with pytest.raises(CatalogueProblems) as refused:
        edit("EDU_COST_PUPIL", operator, formula="EDU_EXP / PUPILS_PER_1000")
    assert any("cycle" in p for p in refused.value.problems)
    assert current_version(Indicator.objects.get(code="EDU_COST_PUPIL")).formula == (
        "EDU_EXP / PUPILS"
    )


def test_create_with_unknown_code_is_refused(catalogue, operator):
    with pytest.raises(CatalogueProblems) as refused:
        indicator_create(user=operator, code="NEW", formula="PUPLS * 2", name_pl="Nowy")
    assert "did you mean PUPILS" in refused.value.problems[0]
    assert not Indicator.objects.filter(code="NEW").exists()


BAD_FORMULA = SMALL_YAML.replace("formula: WASTE_T / POP", "formula: WASTE_T / (POP")
CYCLE = SMALL_YAML.replace("formula: PUPILS / POP * 1000", "formula: EDU_COST_PUPIL * 2").replace(
    "formula: EDU_EXP / PUPILS", "formula: EDU_EXP / PUPILS_PER_1000"
)
DUPLICATE = SMALL_YAML.replace("code: WASTE_T", "code: POP")
INVALID_CODE = SMALL_YAML.replace("code: WASTE_T", "code: 2WASTE_T")
YAML_ERROR = SMALL_YAML.replace("    unit: zł\n    min: 0\n", "    unit: zł\n   min: [0\n", 1)


def line_of(text: str, fragment: str, nth: int = 0) -> str:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return f"line {lines[nth]}:"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BAD_FORMULA, [line_of(SMALL_YAML, "code: WASTE_PER"), "WASTE_PER_CAPITA", "column 15"]),
        (CYCLE, ["line ", "dependency cycle", "EDU_COST_PUPIL"]),
        (DUPLICATE, [line_of(DUPLICATE, "code: POP", 1), "duplicate code POP", "first on line"]),
        (YAML_ERROR, ["line ", "not valid YAML"]),
        (INVALID_CODE, [f"{line_of(INVALID_CODE, 'code: 2WASTE_T')} invalid code '2WASTE_T'"]),
    ],
    ids=["bad-formula", "cycle", "duplicate", "yaml", "invalid-code"],
)
def test_import_is_all_or_nothing(catalogue, operator, text, expected):
    edited = text.replace("name: {pl: Odpady, en: Waste}", "name: {pl: Śmieci, en: Rubbish}")
    before = dump()
    counts = [m.objects.count() for m in MODELS]
    with pytest.raises(CatalogueProblems) as refused:
        catalogue_import(text=edited, user=operator)
    problems = "\n".join(refused.value.problems)
    for fragment in expected:
        assert fragment in problems
    assert [m.objects.count() for m in MODELS] == counts
    assert dump() == before


def test_import_updates_by_code_and_versions_published(catalogue, operator):
    catalogue_publish(user=operator)
    changed = SMALL_YAML.replace("formula: WASTE_T / POP", "formula: WASTE_T / POP * 1000")
    summary = catalogue_import(text=changed, user=operator)
    assert summary.new_versions == 1 and summary.indicators_created == 0
    assert current_version(Indicator.objects.get(code="WASTE_PER_CAPITA")).number == 2


def test_dry_run_changes_nothing(catalogue, operator):
    before = dump()
    changed = SMALL_YAML.replace("formula: WASTE_T / POP", "formula: WASTE_T / POP * 1000")
    summary = catalogue_import(text=changed, user=operator, dry_run=True)
    assert summary.indicators_updated == 1
    assert dump() == before


def test_export_import_export_round_trip(catalogue, operator, django_db_blocker):
    exported = catalogue_export()
    for model in reversed(MODELS):
        model.objects.all().delete()
    CatalogueChange.objects.all().delete()
    catalogue_import(text=exported, user=None)
    assert catalogue_export() == exported


def test_set_export_has_what_the_set_needs(catalogue):
    text = catalogue_export(set_code="SET_EDU")
    assert "EDU_COST_PUPIL" in text and "POP" in text
    assert "WASTE_PER_CAPITA" not in text and "WASTE_T" not in text


def test_bundled_default_catalogue_loads_and_round_trips(db):
    from benchlearn.catalogue.services import catalogue_load_default

    summary = catalogue_load_default()
    assert summary.indicators_created == Indicator.objects.count() > 0
    exported = catalogue_export()
    again = catalogue_import(text=exported, user=None)
    assert again.indicators_updated == again.variables_updated == 0
    assert catalogue_export() == exported
