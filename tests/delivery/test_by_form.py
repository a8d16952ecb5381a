"""An indicator's values grouped by organisational form of delivery: n, median and
quartiles per form, checked against a hand count; forms of fewer than 3 units are not
shown where names are hidden. Then the same on the indicator page and the dashboard."""

import re

import pytest

from benchlearn.catalogue.models import Domain
from benchlearn.results.models import Result
from benchlearn.results.pages.by_form import FOLDED, NOT_RECORDED, form_rows
from benchlearn.results.services import computation_request, computation_run
from tests.conftest import client_for
from tests.delivery.conftest import record
from tests.results.conftest import (  # noqa: F401 - fixtures
    computed_programme,
    extra_units,
    published,
)

# Unit id -> value, and unit id -> main form (units 10 and 12 recorded none).
VALUES = {
    1: 10.0, 2: 40.0, 3: 20.0, 4: 30.0,  # municipal company
    5: 5.0, 6: 9.0, 7: 1.0,  # department of the office
    8: 100.0,  # contracted private operator
    9: 50.0,  # inter-municipal union
    10: 7.0, 12: 3.0,  # no form recorded
    11: None,  # a company without a value: not counted
}  # fmt: skip
FORMS = {1: "company", 2: "company", 3: "company", 4: "company", 11: "company"}
FORMS |= {5: "department", 6: "department", 7: "department", 8: "private", 9: "union"}


def by_form(table):
    return {row.form: (row.n, row.q1, row.median, row.q3, row.own) for row in table.rows}


def test_named_units_every_form_with_its_median_and_quartiles():
    table = form_rows(VALUES, FORMS, own=3, names_shown=True, polarity="lower")
    # By hand, QUARTILE.INC: sort, h = (n − 1)·p, interpolate between neighbours.
    # company 10, 20, 30, 40: q1 h = 0.75 → 10 + 0.75·10 = 17.5; median h = 1.5 → 25;
    # q3 h = 2.25 → 30 + 0.25·10 = 32.5. Department 1, 5, 9: q1 h = 0.5 → 3, median 5,
    # q3 h = 1.5 → 7. One value: all three are it. Not recorded 3, 7: 4, 5, 6.
    assert by_form(table) == {
        "department": (3, 3.0, 5.0, 7.0, False),
        "company": (4, 17.5, 25.0, 32.5, True),
        "private": (1, 100.0, 100.0, 100.0, False),
        "union": (1, 50.0, 50.0, 50.0, False),
        NOT_RECORDED: (2, 4.0, 5.0, 6.0, False),
    }
    assert [row.form for row in table.rows] == [
        "department", "company", "private", "union", NOT_RECORDED
    ]  # fmt: skip
    assert table.recorded == 9 and table.left_out == 0


def test_hidden_names_leave_out_forms_of_fewer_than_3_units():
    table = form_rows(VALUES, FORMS, own=8, names_shown=False, polarity="lower")
    # Private (1) and union (1) would fold into a line of 2: still too few, left out;
    # the 2 units without a form are left out too.
    assert by_form(table) == {
        "department": (3, 3.0, 5.0, 7.0, False),
        "company": (4, 17.5, 25.0, 32.5, False),
    }
    assert table.left_out == 4


def test_hidden_names_fold_small_forms_into_one_line_of_3_or_more():
    forms = FORMS | {10: "other"}  # private 100, union 50, other 7
    table = form_rows(VALUES, forms, own=9, names_shown=False, polarity="lower")
    # Folded 7, 50, 100: q1 h = 0.5 → 7 + 0.5·43 = 28.5, median 50, q3 h = 1.5 → 75.
    assert by_form(table)[FOLDED] == (3, 28.5, 50.0, 75.0, True)
    assert "private" not in by_form(table) and "other" not in by_form(table)
    assert table.left_out == 1  # unit 12, the only one without a form
    assert table.rows[-1].label == "other forms (fewer than 3 units each)"


# --- On the pages ------------------------------------------------------------------------


@pytest.fixture
def computed(computed_programme, operator):  # noqa: F811 - the fixture above
    computation_run(computation_request(user=operator).pk)
    return computed_programme


def _hand_quartiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        h = (len(ordered) - 1) * p
        low = int(h)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (h - low) * (ordered[high] - ordered[low])

    return at(0.25), at(0.5), at(0.75)


OWN = " (your unit)"


def _rows(html: str) -> dict[str, list[str]]:
    """Label -> cells of the table by form; the own unit's line keeps its mark."""
    table = html[html.index('<table class="by-form">') :]
    table = table[: table.index("</table>")]
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
        found[cells[0]] = cells[1:]
    return found


def test_the_indicator_page_groups_by_form_as_counted_by_hand(
    computed, domains_of_results, operator, participant_a
):
    units = [u for u in computed["units"] if u != computed["unit_c"]]  # 7 with 2024 values
    forms = ["company", "company", "company", "department", "department", "department", "private"]
    for unit, form in zip(units, forms, strict=True):
        record(unit, domains_of_results["EDU"], operator, (form, 100))
    value = {
        r.unit_id: r.value
        for r in Result.objects.filter(indicator__code="EDU_NET_COST", period=2024)
    }
    unit_a = computed["unit_a"]
    url = f"/units/{unit_a.teryt}/results/EDU_NET_COST/?group=all&year=2024"

    def expected(form: str) -> list[str]:
        values = [value[u.pk] for u, f in zip(units, forms, strict=True) if f == form]
        q1, median, q3 = _hand_quartiles(values)
        return [str(len(values)), f"{median:,.2f}", f"{q1:,.2f} – {q3:,.2f}"]

    own = {"company": "Municipal company", "department": "Department of the office"}[
        forms[units.index(unit_a)]
    ]
    # The operator sees names: every form, the single private operator too.
    shown = _rows(client_for(operator).get(url).content.decode())

    def marked(label: str) -> str:
        return label + OWN if label == own else label

    assert shown == {
        marked("Municipal company"): expected("company"),
        marked("Department of the office"): expected("department"),
        "Contracted private operator": expected("private"),
    }
    # The participant compares with all units, not named: the lone private operator is
    # not shown, and the page says so.
    html = client_for(participant_a).get(url).content.decode()
    hidden = _rows(html)
    assert {label.removesuffix(OWN) for label in hidden} == {
        "Municipal company",
        "Department of the office",
    }
    assert own + OWN in hidden
    assert "1 unit is not shown: where units are not named, a line needs at least 3 units." in html


@pytest.fixture
def domains_of_results(computed):
    return {d.code: d for d in Domain.objects.all()}


def test_the_dashboard_shows_the_units_own_form(computed, domains_of_results, participant_a):
    unit_a = computed["unit_a"]
    record(unit_a, domains_of_results["EDU"], participant_a, ("company", 80), ("private", 20))
    html = (
        client_for(participant_a).get(f"/units/{unit_a.teryt}/results/?year=2024").content.decode()
    )
    section = html[html.index('class="delivery-own"') :]
    assert f"How {unit_a.name} delivers its services in 2024" in section
    assert "Education" in section
    assert "municipal company</strong> 80 %" in section
    assert "contracted private operator</strong> 20 %" in section
