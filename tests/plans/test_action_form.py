"""The action form offers the group's indicators by code and name, in the page's
language (Polish where an indicator has no English name)."""

import pytest
from django.urls import reverse

from benchlearn.catalogue.models import IndicatorVersion
from benchlearn.plans.services import plan_start
from tests.conftest import client_for


@pytest.fixture
def plan(results, group, unit_a, participant_a):
    IndicatorVersion.objects.filter(indicator__code="COST").update(
        name_pl="Koszt na ucznia", name_en="Cost per pupil"
    )
    IndicatorVersion.objects.filter(indicator__code="STAFF").update(
        name_pl="Nauczyciele na oddział", name_en=""
    )
    return plan_start(unit=unit_a, group=group, by=participant_a)


def _form(user, plan, language):
    client = client_for(user)
    client.cookies["django_language"] = language
    return client.get(reverse("plan-action-add", args=[plan.pk])).text


def test_the_indicators_are_offered_by_code_and_name_in_english(plan, middle_a):
    page = _form(middle_a, plan, "en")
    assert '<option value="COST">COST — Cost per pupil</option>' in page
    assert '<option value="STAFF">STAFF — Nauczyciele na oddział</option>' in page
    assert "OTHER" not in page  # not an indicator of the group's sets


def test_the_indicators_are_offered_by_code_and_name_in_polish(plan, middle_a):
    page = _form(middle_a, plan, "pl")
    assert '<option value="COST">COST — Koszt na ucznia</option>' in page
    assert "Wskaźniki zestawów grupy, według kodu i nazwy." in page
