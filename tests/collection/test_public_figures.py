"""A form's figure against the one GUS publishes: a variable whose catalogue entry names
a BDL source is still entered from the unit's report, and an entry that differs from the
fetched published figure of the same year gets a warning (on the form, in the round's
counts); an entry within rounding does not."""

import pytest

from benchlearn.catalogue.models import Variable
from benchlearn.collection.models import Submission
from benchlearn.collection.selectors import round_variables
from benchlearn.collection.validation import round_check_counts, submission_check
from benchlearn.units.services.context import context_values_store
from tests.collection.conftest import PERIOD, make_round, save
from tests.collection.test_views import form_url
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_figure(published, units):
    """EDU_EXP names BDL variable 76037 as its source; GUS published 1,000,000 for unit
    A in the round's year and 900,000 the year before."""
    Variable.objects.filter(code="EDU_EXP").update(bdl="6:76037")
    variable = Variable.objects.get(code="EDU_EXP")
    for year, value in ((PERIOD, 1_000_000), (PERIOD - 1, 900_000)):
        context_values_store(
            variable=variable,
            values=[(units["a"], year, value)],
            source="BDL 76037",
            origin="bdl-fetch 76037",
        )


def check(round_, unit, entries):
    submission = Submission.objects.get(round=round_, unit=unit)
    return submission_check(submission, entries).items["EDU_EXP"]


def test_an_entry_that_differs_from_the_published_figure_is_warned(
    published_figure, round_, units, participant_a
):
    item = check(round_, units["a"], {"EDU_EXP": "100 000"})  # a digit short
    assert item.public is not None and item.public.value == 1_000_000
    assert item.warnings == [
        "GUS publishes 1,000,000 for this unit and year (BDL 76037): the value differs "
        "from it. Check the figure and its scope against the report, or explain the "
        "difference."
    ]
    # Saved, the round's progress table counts the same warning.
    submission = Submission.objects.get(round=round_, unit=units["a"])
    assert save(submission, participant_a, {"EDU_EXP": "100 000"}).ok
    assert round_check_counts(round_, round_variables(round_))[units["a"].pk].warnings == 1


def test_an_entry_within_rounding_of_the_published_figure_is_not_warned(
    published_figure, round_, units, participant_a
):
    assert not check(round_, units["a"], {"EDU_EXP": "1 004 000"}).warnings  # 0.4%
    assert check(round_, units["a"], {"EDU_EXP": "1 006 000"}).warnings  # 0.6%
    submission = Submission.objects.get(round=round_, unit=units["a"])
    assert save(submission, participant_a, {"EDU_EXP": "1 004 000"}).ok
    assert round_check_counts(round_, round_variables(round_))[units["a"].pk].warnings == 0


def test_only_the_same_years_published_figure_counts(published_figure, units, operator):
    """Last year's published figure is no check of this year's entry: a unit with
    only an older figure, or none, is not warned."""
    round_ = make_round(operator, [units["a"], units["b"]], period=PERIOD + 1)
    item = check(round_, units["a"], {"EDU_EXP": "5"})
    assert item.public is None and not any("GUS" in w for w in item.warnings)
    assert check(round_, units["b"], {"EDU_EXP": "5"}).public is None


def test_a_variable_without_a_bdl_source_is_not_compared(published, round_, units):
    variable = Variable.objects.get(code="EDU_EXP")
    context_values_store(
        variable=variable, values=[(units["a"], PERIOD, 1_000_000)], source="hand", origin="test"
    )
    item = check(round_, units["a"], {"EDU_EXP": "5"})
    assert item.public is None and not item.warnings


def test_the_form_shows_the_published_figure(published_figure, round_, participant_a):
    page = client_for(participant_a).get(form_url(round_)).text
    assert "Published by GUS (BDL 76037): 1,000,000" in page
