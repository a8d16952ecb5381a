"""The office plans trainings of a programme from the gaps and records attendance:
invitees hold seats in the programme's groups; proposals come from the seats, never
from anyone's own results; attendance only for those invited, on or after the day,
with who and when; a stale edit is refused. Bad input: a clear message, nothing stored."""

import datetime
import re

import pytest
from django.utils import timezone

from benchlearn.competencies.models import Invitee, Training
from benchlearn.competencies.trainings import (
    TrainingError,
    attendance_record,
    eligible_people,
    invitees_proposed,
    training_create,
    training_update,
)
from benchlearn.groups.models import SeatHolding
from benchlearn.groups.services import programme_create, seat_vacate
from benchlearn.units.models import Level
from tests.competencies.cohort import END, START, assess, extra_units, seat_holders
from tests.conftest import client_for

TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def planned(scheme, group, operator):
    """A programme of the group: five operational people with a gap in MEASURE (one of
    them with a large gap the office may not read), four middle people."""
    owner = programme_create(name="Kompetencje", first_year=2026, last_year=2027, groups=[group])
    units = extra_units(9)
    operational = seat_holders(group, Level.OPERATIONAL, 5, by=operator, tag="op", units=units[:5])
    middle = seat_holders(group, Level.MIDDLE, 4, by=operator, tag="mid", units=units[5:])
    for number, person in enumerate(operational):
        assess(person, group, scheme, START, {"MEASURE": 1 if number == 0 else 2})
    for person in middle:
        # One middle person far below: four people, so no figure and no proposal.
        assess(person, group, scheme, END, {"MEASURE": 1}, office_may_see=True)
    return {"programme": owner, "operational": operational, "middle": middle}


def _create(planned, operator, **changes):
    values = {
        "programme": planned["programme"],
        "by": operator,
        "title": "Pomiar wyników",
        "date": TODAY,
        "place": "Katowice",
        "competency_codes": ["MEASURE"],
        "seats": [Level.OPERATIONAL],
        "invitee_ids": [person.pk for person in planned["operational"][:2]],
    }
    return training_create(**{**values, **changes})


def test_the_office_plans_a_training_with_its_invitees(planned, operator):
    training = _create(planned, operator)
    assert training.title == "Pomiar wyników"
    assert training.competency_codes == ["MEASURE"]
    assert training.seats == ["operational"]
    assert set(training.invitees.values_list("person_id", flat=True)) == {
        person.pk for person in planned["operational"][:2]
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "   "}, "Give the training a title."),
        ({"date": None}, "Give the training's date."),
        ({"competency_codes": ["NO_SUCH"]}, "No competency of the scheme has the code NO_SUCH."),
        ({"seats": ["boss"]}, "There is no seat boss."),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_stored(planned, operator, changes, message):
    with pytest.raises(TrainingError) as refused:
        _create(planned, operator, **changes)
    assert message in refused.value.problems
    assert not Training.objects.exists()
    assert not Invitee.objects.exists()


def test_only_seat_holders_of_the_programmes_groups_may_be_invited(planned, operator, stranger):
    with pytest.raises(TrainingError) as refused:
        _create(planned, operator, invitee_ids=[planned["operational"][0].pk, stranger.pk])
    assert "Only people holding a seat in the programme's groups" in str(refused.value)
    assert not Training.objects.exists()


def test_eligible_people_are_the_seat_holders_by_group_unit_and_seat(planned, group):
    found = eligible_people(planned["programme"])
    assert len(found) == 9
    assert {entry.group for entry in found} == {group}
    assert {entry.seat for entry in found} == {Level.OPERATIONAL, Level.MIDDLE}


def test_proposals_come_from_the_seats_never_from_ones_own_result(planned):
    owner = planned["programme"]
    operational = {person.pk for person in planned["operational"]}
    # No seat chosen: the seat whose shown mean gap in MEASURE is above zero.
    assert set(invitees_proposed(owner, seats=[], codes=["MEASURE"])) == operational
    # The middle seat's four people are far below, and one may be read by the office:
    # still no figure, so nobody of them is singled out.
    assert not set(invitees_proposed(owner, seats=[], codes=["MEASURE"])) & {
        person.pk for person in planned["middle"]
    }
    # A seat chosen: everyone in it.
    assert set(invitees_proposed(owner, seats=[Level.MIDDLE], codes=["MEASURE"])) == {
        person.pk for person in planned["middle"]
    }


def test_an_edit_keeps_the_invitees_still_invited_and_refuses_a_stale_one(planned, operator):
    training = _create(planned, operator)
    first, second, third = planned["operational"][:3]
    attendance_record(training=training, by=operator, marks={first.pk: True}, today=TODAY)
    changed = training_update(
        training=training,
        by=operator,
        revision=training.revision,
        title="Pomiar wyników (II)",
        date=TODAY,
        competency_codes=["MEASURE", "ANALYSE"],
        seats=[],
        invitee_ids=[first.pk, third.pk],
    )
    assert changed.revision == training.revision + 1
    kept = {i.person_id: i.attended for i in changed.invitees.all()}
    assert kept == {first.pk: True, third.pk: None}
    with pytest.raises(TrainingError) as stale:
        training_update(
            training=training,
            by=operator,
            revision=training.revision,
            title="Nadpisane",
            date=TODAY,
            competency_codes=[],
            seats=[],
            invitee_ids=[second.pk],
        )
    assert "Someone else changed this training" in str(stale.value)
    training.refresh_from_db()
    assert training.title == "Pomiar wyników (II)"


def test_attendance_is_recorded_with_who_and_when(planned, operator):
    training = _create(planned, operator)
    first, second = planned["operational"][:2]
    changed = attendance_record(
        training=training, by=operator, marks={first.pk: True, second.pk: False}, today=TODAY
    )
    assert changed == 2
    marks = {i.person_id: i for i in training.invitees.all()}
    assert marks[first.pk].attended is True and marks[second.pk].attended is False
    assert marks[first.pk].recorded_by == operator and marks[first.pk].recorded_at is not None
    # The same marks again change nothing.
    assert (
        attendance_record(training=training, by=operator, marks={first.pk: True}, today=TODAY) == 0
    )


def test_attendance_before_the_day_or_of_people_not_invited_is_refused(planned, operator):
    training = _create(planned, operator)
    first = planned["operational"][0]
    with pytest.raises(TrainingError) as early:
        attendance_record(
            training=training,
            by=operator,
            marks={first.pk: True},
            today=TODAY - datetime.timedelta(days=1),
        )
    assert "on or after the training's day" in str(early.value)
    outsider = planned["middle"][0]
    with pytest.raises(TrainingError) as stranger:
        attendance_record(
            training=training, by=operator, marks={first.pk: True, outsider.pk: True}, today=TODAY
        )
    assert "only for people invited" in str(stranger.value)
    assert not training.invitees.filter(attended__isnull=False).exists()


# --- The pages ------------------------------------------------------------------------


def test_the_form_creates_a_training_and_lists_it(planned, operator):
    owner = planned["programme"]
    person = planned["operational"][0]
    response = client_for(operator).post(
        f"/competencies/programmes/{owner.pk}/trainings/new/",
        {
            "title": "Benchmarking w praktyce",
            "date": "2026-12-20",
            "place": "Gliwice",
            "competencies": ["ANALYSE"],
            "seats": ["middle"],
            "invitees": [str(person.pk)],
        },
    )
    assert response.status_code == 302
    training = Training.objects.get()
    assert training.date == datetime.date(2026, 12, 20)
    assert list(training.invitees.values_list("person_id", flat=True)) == [person.pk]
    page = client_for(operator).get(f"/competencies/programmes/{owner.pk}/trainings/")
    assert "Benchmarking w praktyce" in page.content.decode()
    assert "Data analysis and benchmarking" in page.content.decode()


def test_the_form_without_a_title_or_with_an_outsider_says_so_and_stores_nothing(
    planned, operator, stranger
):
    owner = planned["programme"]
    client = client_for(operator)
    url = f"/competencies/programmes/{owner.pk}/trainings/new/"
    empty = client.post(url, {"title": "", "date": "2026-12-20"})
    assert empty.status_code == 200
    assert "Give the training a title." in empty.content.decode()
    outsider = client.post(url, {"title": "X", "date": "2026-12-20", "invitees": [stranger.pk]})
    assert "Only people holding a seat in the programme" in outsider.content.decode()
    assert not Training.objects.exists()


def test_the_propose_button_preselects_the_seats_people_without_saving(planned, operator):
    owner = planned["programme"]
    response = client_for(operator).post(
        f"/competencies/programmes/{owner.pk}/trainings/new/",
        {"title": "X", "date": "2026-12-20", "competencies": ["MEASURE"], "propose": "1"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    ticked = {int(pk) for pk in re.findall(r'name="invitees" value="(\d+)"[^>]* checked>', text)}
    assert ticked == {person.pk for person in planned["operational"]}
    # The competency chosen stays chosen.
    assert re.search(r'value="MEASURE"[^>]*checked', text)
    assert "5 people proposed" in text
    assert not Training.objects.exists()


def test_the_attendance_page_records_the_ticked_people(planned, operator):
    training = _create(planned, operator, date=timezone.localdate())
    first, second = planned["operational"][:2]
    client = client_for(operator)
    url = f"/competencies/trainings/{training.pk}/attendance/"
    assert client.post(url, {"attended": [str(first.pk)]}).status_code == 302
    marks = dict(training.invitees.values_list("person_id", "attended"))
    assert marks == {first.pk: True, second.pk: False}
    outsider = planned["middle"][0]
    refused = client.post(url, {"attended": [str(outsider.pk)]})
    assert refused.status_code == 200
    assert "only for people invited" in refused.content.decode()
    assert dict(training.invitees.values_list("person_id", "attended")) == marks


def test_the_attendance_page_waits_for_the_day(planned, operator):
    training = _create(planned, operator, date=timezone.localdate() + datetime.timedelta(days=3))
    first = planned["operational"][0]
    client = client_for(operator)
    url = f"/competencies/trainings/{training.pk}/attendance/"
    assert "data-not-yet" in client.get(url).content.decode()
    refused = client.post(url, {"attended": [str(first.pk)]})
    assert "on or after the training" in refused.content.decode()
    assert not training.invitees.filter(attended__isnull=False).exists()


def test_a_stale_edit_through_the_form_says_so(planned, operator):
    training = _create(planned, operator)
    response = client_for(operator).post(
        f"/competencies/trainings/{training.pk}/",
        {"title": "Nowy", "date": "2026-12-20", "revision": str(training.revision - 1 or 99)},
    )
    assert "Someone else changed this training" in response.content.decode()
    training.refresh_from_db()
    assert training.title == "Pomiar wyników"


@pytest.mark.parametrize("role", ["moderator", "participant_a", "stranger"])
def test_trainings_are_the_offices(programme, planned, role):
    training = _create(planned, programme["operator"])
    client = client_for(programme[role])
    assert client.get(f"/competencies/trainings/{training.pk}/").status_code == 403
    owner = planned["programme"]
    answer = client.post(
        f"/competencies/programmes/{owner.pk}/trainings/new/", {"title": "X", "date": "2026-12-20"}
    )
    assert answer.status_code == 403
    assert Training.objects.count() == 1


def test_someone_who_left_their_seat_stays_invited_with_their_attendance(planned, operator):
    training = _create(planned, operator)
    first, second = planned["operational"][:2]
    attendance_record(training=training, by=operator, marks={first.pk: True}, today=TODAY)
    seat_vacate(holding=SeatHolding.objects.get(user=first, ended_at=None), by=operator)
    client = client_for(operator)
    page = client.get(f"/competencies/trainings/{training.pk}/").content.decode()
    assert f'id="invitee-former-{first.pk}"' in page
    response = client.post(
        f"/competencies/trainings/{training.pk}/",
        {
            "title": "Pomiar wyników",
            "date": "2026-12-07",
            "invitees": [str(first.pk), str(second.pk)],
            "revision": str(training.revision),
        },
    )
    assert response.status_code == 302
    assert dict(training.invitees.values_list("person_id", "attended")) == {
        first.pk: True,
        second.pk: None,
    }
