"""The meeting pack of a year-two meeting carries the moderator's overview of the plans:
per unit, actions by status, late ones and reports missing; a member sees the plans it
may read."""

import io

import pypdf
import pytest

from benchlearn.plans.models import Plan
from benchlearn.reports.documents.meeting_pack import (
    _pack_document,
    meeting_pack_for,
    meeting_pack_pdf,
)
from tests.plans.progress_fixtures import meeting_in


@pytest.fixture
def fifth(cycle_meetings):
    return meeting_in(cycle_meetings, 5)


def _plans_section(user, meeting):
    pack = meeting_pack_for(user, meeting)
    return _pack_document(pack, title="Pakiet")["plans"]


def test_a_year_two_pack_has_the_plans_progress(year_two_plan, fifth, moderator):
    plans = _plans_section(moderator, fifth)
    assert plans["heading"] == "Improvement plans: progress before meeting 5"
    assert plans["table"]["headers"] == [
        "Unit",
        "Planned",
        "In progress",
        "Done",
        "Dropped",
        "Late",
        "Reports missing",
    ]
    # The pack is made after the meeting (today is later than 30 June 2026, the action's
    # end): the planned action is late by today, and its report for meeting 5 missing.
    [row] = plans["table"]["rows"]
    assert row["cells"][1:] == ["1", "0", "0", "0", "1", "1"]
    assert row["cells"][0].startswith("Bielsko-Biała")


def test_a_year_one_pack_has_none(year_two_plan, cycle_meetings, moderator):
    assert _plans_section(moderator, meeting_in(cycle_meetings, 2)) is None


def test_a_member_sees_the_plans_it_may_read(year_two_plan, fifth, participant_b):
    assert len(_plans_section(participant_b, fifth)["table"]["rows"]) == 1
    Plan.objects.filter(pk=year_two_plan.pk).update(private=True)
    plans = _plans_section(participant_b, fifth)
    assert plans["table"] is None and "No adopted plan you may read." in plans["intro"]


def test_the_pdf_prints_it(year_two_plan, fifth, moderator):
    pdf = meeting_pack_pdf(meeting_pack_for(moderator, fifth))
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Improvement plans: progress before meeting 5" in text
    assert "Reports \nmissing" in text or "Reports missing" in text
