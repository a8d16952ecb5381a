"""The office lists and opens individual assessments only where their people were told,
before starting, that it would: the programme's setting at the time, not now."""

import pytest

from benchlearn.groups.services import programme_create
from benchlearn.units.models import Level
from tests.competencies.cohort import START, assess, extra_units, seat_holders
from tests.conftest import client_for


@pytest.fixture
def told_and_not(scheme, group, operator):
    programme_create(name="Kompetencje", first_year=2026, last_year=2027, groups=[group])
    told, kept = seat_holders(
        group, Level.MIDDLE, 2, by=operator, tag="osoba", units=extra_units(2)
    )
    shared = assess(told, group, scheme, START, {"MEASURE": 2}, office_may_see=True)
    private = assess(kept, group, scheme, START, {"MEASURE": 3})
    group.refresh_from_db()
    return group.programme, shared, private


def test_the_programme_page_lists_only_assessments_shared_with_the_office(told_and_not, operator):
    programme, shared, private = told_and_not
    page = client_for(operator).get(f"/competencies/programmes/{programme.pk}/").text
    listed = page[page.index('id="individual"') :]
    assert shared.person.full_name in listed
    assert f"/competencies/assessments/{shared.pk}/" in listed
    assert private.person.full_name not in listed
    assert f"/competencies/assessments/{private.pk}/" not in page


def test_the_office_opens_a_shared_assessment_and_not_a_private_one(told_and_not, operator):
    _programme, shared, private = told_and_not
    office = client_for(operator)
    assert office.get(f"/competencies/assessments/{shared.pk}/").status_code == 200
    assert office.get(f"/competencies/assessments/{private.pk}/").status_code == 404


def test_turning_the_setting_on_later_shares_nothing_already_started(told_and_not, operator):
    programme, _shared, private = told_and_not
    programme.competency_office_sees = True
    programme.save()
    office = client_for(operator)
    page = office.get(f"/competencies/programmes/{programme.pk}/").text
    assert private.person.full_name not in page[page.index('id="individual"') :]
    assert office.get(f"/competencies/assessments/{private.pk}/").status_code == 404


def test_drafts_are_not_listed(scheme, group, operator):
    programme = programme_create(
        name="Kompetencje", first_year=2026, last_year=2027, groups=[group]
    )
    (person,) = seat_holders(
        group, Level.OPERATIONAL, 1, by=operator, tag="d", units=extra_units(1)
    )
    assess(person, group, scheme, START, {"MEASURE": 2}, office_may_see=True, submitted=False)
    page = client_for(operator).get(f"/competencies/programmes/{programme.pk}/").text
    assert person.full_name not in page[page.index('id="individual"') :]
