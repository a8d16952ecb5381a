"""Every plan of a group as .xlsx: a sheet of plans and one of actions with each
indicator's figures (worked by hand in tests/plans/measured.py); who gets which plans."""

import io

import openpyxl
import pytest
from django.urls import reverse

from benchlearn.plans.services import plan_start
from tests.conftest import client_for

ACTION_COLUMNS = [
    "Unit TERYT",
    "Unit",
    "State",
    "Action",
    "Status",
    "Indicator code",
    "Baseline",
    "Baseline year",
    "Target",
    "Target year",
    "Latest",
    "Latest year",
    "Group median change",
    "Difference",
]


def workbook(user, group):
    response = client_for(user).get(reverse("plan-list-xlsx", args=[group.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="benchlearn-plans-')
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_workbook_has_the_plans_and_the_actions_measured(measured, group, participant_b):
    book = workbook(participant_b, group)
    assert book.sheetnames == ["Plans", "Actions"]
    plans = list(book["Plans"].iter_rows(values_only=True))
    assert plans[0][:3] == ("Unit TERYT", "Unit", "State")
    assert [row[0] for row in plans[1:]] == ["2461011"]
    rows = list(book["Actions"].iter_rows(values_only=True))
    assert list(rows[0]) == ACTION_COLUMNS
    by_code = {row[5]: row for row in rows[1:]}
    staff = by_code["STAFF"]
    assert staff[:6] == (
        "2461011", measured["plan"].unit.name, "adopted",
        "Nabór nauczycieli i wspólne zakupy", "planned", "STAFF",
    )  # fmt: skip
    assert staff[6:] == (10, 2023, 15, 2026, 19, 2025, 2, 7)
    assert by_code["COST"][12:] == pytest.approx((4.5, -1.5))
    # Nothing after the baseline year yet: empty cells, not zeros.
    assert by_code["MOOD"][6:] == (3, 2023, 4, 2026, None, None, None, None)
    cell = book["Actions"]["N2"]
    assert cell.number_format == "#,##0.00"  # the indicator's two places


def test_who_gets_which_plans(measured, group, unit_b, participant_a, participant_b, moderator):
    plan_start(unit=unit_b, group=group, by=participant_b)  # B's draft
    plan = measured["plan"]
    plan.private = True
    plan.save(update_fields=["private"])

    def teryts(user):
        return [
            row[0] for row in workbook(user, group)["Plans"].iter_rows(min_row=2, values_only=True)
        ]

    assert teryts(moderator) == ["2461011", "2466011"]
    assert teryts(participant_a) == ["2461011"]  # its own, private or not; not B's draft
    assert teryts(participant_b) == ["2466011"]  # its own draft; not A's private plan


def test_outsiders_get_nothing(measured, group, stranger, nobody):
    for person in (stranger, nobody):
        response = client_for(person).get(reverse("plan-list-xlsx", args=[group.pk]))
        assert response.status_code == 404
    response = client_for(None).get(reverse("plan-list-xlsx", args=[group.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
