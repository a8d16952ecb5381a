"""Whose eyes an individual assessment meets: its person; the office only where the
programme said so when the person started; the unit's strategic person writes a second
view but never reads the self-assessment; a moderator and other participants never."""

from django.urls import reverse

from benchlearn.competencies.access import may_read_assessment
from benchlearn.competencies.models import Role, Stage
from benchlearn.competencies.services import assessment_start
from benchlearn.groups.services import seat_fill
from benchlearn.units.models import Level
from tests.competencies.people import programme_of_group, seats, submitted
from tests.conftest import client_for, make_user

__all__ = ["programme_of_group", "seats"]


def _status(user, assessment) -> int:
    return client_for(user).get(reverse("competency-assessment", args=[assessment.pk])).status_code


def test_the_person_reads_their_own_and_nobody_else_does(
    seats, group, scheme, moderator, operator, stranger
):
    maria = seats["maria"]
    own = submitted(maria, group, scheme)
    assert _status(maria, own) == 200
    for other in (seats["olek"], seats["bartek"], stranger, moderator, operator):
        assert _status(other, own) == 404, other
    # The strategic person of Maria's unit does not read her self-assessment either.
    assert _status(seats["anna"], own) == 404


def test_the_office_reads_only_where_the_programme_said_so_at_the_start(
    seats, group, scheme, operator, programme_of_group
):
    maria, olek = seats["maria"], seats["olek"]
    private = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    programme_of_group.competency_office_sees = True
    programme_of_group.save()
    group.refresh_from_db()
    shared = assessment_start(person=olek, group=group, stage=Stage.START, by=olek)
    # The programme's change after Maria started does not expose her assessment.
    assert _status(operator, private) == 404
    assert _status(operator, shared) == 200
    # Reading is not writing: the office may not change it.
    response = client_for(operator).post(
        reverse("competency-assessment", args=[shared.pk]), {"revision": "1", "level_LEAD": "1"}
    )
    assert response.status_code == 403
    assert not shared.ratings.exists()


def test_the_moderator_never_reads_an_individual_assessment(
    seats, group, scheme, moderator, programme_of_group
):
    programme_of_group.competency_office_sees = True
    programme_of_group.save()
    group.refresh_from_db()
    olek = seats["olek"]
    assessment = submitted(olek, group, scheme)
    assert assessment.office_may_see
    assert _status(moderator, assessment) == 404
    assert not may_read_assessment(moderator, assessment)


def test_a_second_view_is_read_by_its_author_and_by_the_person_once_submitted(seats, group, scheme):
    anna, maria, olek = seats["anna"], seats["maria"], seats["olek"]
    view = assessment_start(
        person=anna, group=group, stage=Stage.START, by=anna, role=Role.SUPERIOR, subject=maria
    )
    assert _status(anna, view) == 200
    assert _status(maria, view) == 404  # a draft
    assert _status(olek, view) == 404
    view = submitted(anna, group, scheme, role=Role.SUPERIOR, subject=maria)
    assert _status(maria, view) == 200
    # The person reads it but may not change it.
    response = client_for(maria).post(
        reverse("competency-assessment", args=[view.pk]), {"revision": "9"}
    )
    assert response.status_code == 403


def test_profiles_are_their_persons_own(seats, group, scheme, moderator, operator, stranger):
    submitted(seats["maria"], group, scheme)
    url = reverse("competency-profile", args=[group.pk])
    assert client_for(seats["maria"]).get(url).status_code == 200
    for other in (moderator, operator, stranger):
        assert client_for(other).get(url).status_code == 404
    # Bartek's own profile shows his (empty) own data, never Maria's.
    page = client_for(seats["bartek"]).get(url)
    assert page.status_code == 200 and page.context["profile"].start is None


def test_a_strategic_person_who_left_the_seat_no_longer_writes_the_second_view(
    seats, group, scheme, operator, unit_a
):
    anna, maria = seats["anna"], seats["maria"]
    view = assessment_start(
        person=anna, group=group, stage=Stage.START, by=anna, role=Role.SUPERIOR, subject=maria
    )
    seat_fill(
        group=group,
        unit=unit_a,
        level=Level.STRATEGIC,
        user=make_user("nowy@example.org", "Nowy Szef"),
        by=operator,
    )
    response = client_for(anna).post(
        reverse("competency-assessment", args=[view.pk]), {"revision": "1"}
    )
    assert response.status_code == 403
