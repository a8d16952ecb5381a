"""A round offers each unit the sets of its kind: a gmina the gmina set, a county the
county set, a city with county rights both; values of another kind's set are refused."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from benchlearn.catalogue.models import IndicatorSet
from benchlearn.catalogue.services import edit_token, indicator_set_update
from benchlearn.collection import pages
from benchlearn.collection.files.export import unit_template
from benchlearn.collection.models import Submission, Value
from benchlearn.collection.selectors import round_variables, submission_variables
from benchlearn.collection.services import CollectionError, round_create, round_open, values_import
from benchlearn.groups.workspace import open_rounds_status
from benchlearn.units.models import Unit, UnitKind
from tests.collection.conftest import dump, make_round, save
from tests.conftest import client_for

EDU_CODES = ["EDU_EXP", "NEW_PUPILS", "SUBSIDY", "TEACHERS"]


def set_kinds(code: str, kinds: list[str], user) -> None:
    indicator_set = IndicatorSet.objects.get(code=code)
    indicator_set_update(
        indicator_set=indicator_set,
        user=user,
        base_token=edit_token(indicator_set.updated_at),
        kinds=kinds,
    )


@pytest.fixture
def county(units) -> Unit:
    """Powiat bielski, the county of unit C (Bestwina), loaded with it."""
    return Unit.objects.get(kind=UnitKind.COUNTY, children=units["c"])


@pytest.fixture
def kinds_round(published, programme, units, county, operator):
    """Education for gminas and cities with county rights, waste for counties and
    cities with county rights; units: A (a city with county rights), C (a rural gmina)
    and C's county."""
    set_kinds("SET_EDU", ["gm", "gw", "gmw", "mnpp"], operator)
    set_kinds("SET_WASTE", ["mnpp", "pow"], operator)
    assert units["a"].kind == UnitKind.CITY_COUNTY and units["c"].kind == UnitKind.RURAL_GMINA
    return make_round(operator, [units["a"], units["c"], county], sets=("SET_EDU", "SET_WASTE"))


def codes(variables) -> list[str]:
    return sorted(v.code for v in variables)


def test_each_unit_is_asked_for_the_sets_of_its_kind(kinds_round, units, county):
    def asked(unit):
        return codes(submission_variables(Submission.objects.get(round=kinds_round, unit=unit)))

    assert asked(units["c"]) == EDU_CODES
    assert asked(county) == ["WASTE_T"]
    assert asked(units["a"]) == sorted([*EDU_CODES, "WASTE_T"])
    assert codes(round_variables(kinds_round)) == sorted([*EDU_CODES, "WASTE_T"])


def test_the_countys_form_and_template_hold_only_the_county_set(kinds_round, county, operator):
    page = client_for(operator).get(f"/rounds/{kinds_round.pk}/units/{county.teryt}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="v-WASTE_T"' in text
    assert 'name="v-EDU_EXP"' not in text and 'name="v-TEACHERS"' not in text
    template = unit_template(Submission.objects.get(round=kinds_round, unit=county))
    book = openpyxl.load_workbook(io.BytesIO(template))
    cells = {str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row}
    assert "WASTE_T" in cells and "EDU_EXP" not in cells


def test_a_gmina_set_value_of_a_county_is_refused_with_a_clear_message(
    kinds_round, county, operator
):
    submission = Submission.objects.get(round=kinds_round, unit=county)
    before = dump()
    result = save(submission, operator, {"WASTE_T": "1200", "EDU_EXP": "1000"})
    assert not result.ok
    assert result.errors == {
        "EDU_EXP": "EDU_EXP is not asked of powiat bielski: the round's sets that need it "
        "do not apply to a county."
    }
    assert dump() == before  # all or nothing: not even WASTE_T
    result = save(submission, operator, {"NOPE": "1"})
    assert result.errors == {"NOPE": "The round does not ask for NOPE."}
    assert save(submission, operator, {"WASTE_T": "1200"}).ok


def test_an_import_refuses_values_of_another_kinds_set_and_skips_blank_cells(
    kinds_round, units, county, operator
):
    entries = {
        county.teryt: {"WASTE_T": ("1200", None), "EDU_EXP": ("5", None)},
        units["c"].teryt: {"EDU_EXP": ("1000", None), "WASTE_T": ("7", None)},
    }
    before = dump()
    result = values_import(round_=kinds_round, user=operator, entries=entries, source="excel")
    assert not result.ok
    assert set(result.errors) == {(county.teryt, "EDU_EXP"), (units["c"].teryt, "WASTE_T")}
    assert "not asked of Bestwina" in result.errors[(units["c"].teryt, "WASTE_T")][0]
    assert "do not apply to a rural gmina" in result.errors[(units["c"].teryt, "WASTE_T")][0]
    assert dump() == before
    # The round workbook's blank cells of a set not asked of a unit are no values.
    entries[county.teryt]["EDU_EXP"] = ("", None)
    entries[units["c"].teryt]["WASTE_T"] = (None, None)
    result = values_import(round_=kinds_round, user=operator, entries=entries, source="excel")
    assert result.ok, result.errors
    stored = {(v.unit.teryt, v.variable.code): v.value for v in Value.objects.all()}
    assert stored == {
        (county.teryt, "WASTE_T"): Decimal("1200"),
        (units["c"].teryt, "EDU_EXP"): Decimal("1000"),
    }


def test_the_progress_table_counts_what_each_unit_is_asked_for(
    kinds_round, units, county, operator
):
    rows, totals = pages.round_rows(operator, kinds_round, round_variables(kinds_round))
    required = {row.submission.unit.teryt: row.required for row in rows}
    assert required == {units["a"].teryt: 5, units["c"].teryt: 4, county.teryt: 1}
    assert totals.required == 10


def test_the_round_pages_say_which_kinds_each_set_is_for(kinds_round, operator):
    client = client_for(operator)
    page = client.get(f"/rounds/{kinds_round.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "version 1; city with county rights, county)" in page  # the waste set
    assert "version 1; urban gmina, rural gmina, urban-rural gmina, city with county rights)" in (
        page
    )
    form = client.get("/rounds/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Odpady (city with county rights, county)</label>" in form


def test_the_group_workspace_counts_what_each_member_is_asked_for(
    kinds_round, group, units, county, operator
):
    save(Submission.objects.get(round=kinds_round, unit=county), operator, {"WASTE_T": "9"})
    (status,) = open_rounds_status(group, [units["a"], units["c"], county])
    found = {row.unit.teryt: (row.filled, row.required) for row in status.rows}
    assert found == {units["a"].teryt: (0, 5), units["c"].teryt: (0, 4), county.teryt: (1, 1)}


def test_a_round_of_sets_none_of_which_applies_to_a_unit_is_refused(
    published, programme, units, county, operator
):
    set_kinds("SET_EDU", ["gm", "gw", "gmw", "mnpp"], operator)
    before = dump()
    with pytest.raises(CollectionError) as refused:
        make_round(operator, [units["c"], county], sets=("SET_EDU",))
    assert refused.value.problems == [
        "None of the chosen sets applies to a county: powiat bielski would be asked for "
        "nothing. Choose a set for them or leave them out."
    ]
    assert dump() == before


def test_an_open_round_keeps_the_kinds_its_sets_had_when_it_opened(
    kinds_round, units, county, operator
):
    set_kinds("SET_WASTE", ["pow"], operator)  # the cities no longer, in the catalogue
    city = Submission.objects.get(round=kinds_round, unit=units["a"])
    assert "WASTE_T" in codes(submission_variables(city))
    kinds_round.refresh_from_db()
    assert kinds_round.set_kinds == {
        "SET_EDU": ["gm", "gw", "gmw", "mnpp"],
        "SET_WASTE": ["mnpp", "pow"],
    }


def test_opening_a_round_whose_sets_no_longer_apply_to_a_unit_is_refused(
    published, programme, units, county, operator
):
    set_kinds("SET_WASTE", ["pow"], operator)
    round_ = round_create(
        user=operator,
        name="Odpady 2024",
        period=2024,
        indicator_sets=IndicatorSet.objects.filter(code="SET_WASTE"),
        units=[county],
        deadline=datetime.date(2025, 3, 31),
    )
    set_kinds("SET_WASTE", ["gm"], operator)
    with pytest.raises(CollectionError) as refused:
        round_open(round_=round_, user=operator)
    assert "None of the chosen sets applies to a county" in refused.value.problems[0]
    round_.refresh_from_db()
    assert round_.state == "draft" and not Submission.objects.filter(round=round_).exists()
