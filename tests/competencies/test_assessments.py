"""Starting, saving, submitting and correcting a self-assessment and a second view,
through the services and the pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from benchlearn.competencies.models import Assessment, Rating, Role, Stage
from benchlearn.competencies.services import (
    AssessmentStale,
    assessment_save,
    assessment_start,
    assessment_submit,
)
from benchlearn.groups.services import seat_fill
from benchlearn.units.models import Level
from tests.competencies.people import all_rated, programme_of_group, seats, submitted
from tests.conftest import client_for

__all__ = ["programme_of_group", "seats"]


def test_start_takes_the_seat_scheme_and_privacy_of_the_programme(seats, group, scheme):
    maria = seats["maria"]
    assessment = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    assert assessment.seat == Level.MIDDLE
    assert assessment.unit.name == seats["anna"].unit_memberships.get().unit.name
    assert assessment.scheme == scheme
    assert assessment.office_may_see is False
    assert assessment.assessor == maria
    assert assessment.changes.get().kind == "started"
    # Starting again (a second click) gives the same assessment.
    again = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    assert again.pk == assessment.pk


def test_start_with_office_reading_when_the_programme_says_so(seats, group, programme_of_group):
    programme_of_group.competency_office_sees = True
    programme_of_group.save()
    group.refresh_from_db()
    olek = seats["olek"]
    assessment = assessment_start(person=olek, group=group, stage=Stage.START, by=olek)
    assert assessment.office_may_see is True


def test_a_group_without_programme_keeps_assessments_private(
    scheme, group, unit_a, operator, participant_a
):
    seat_fill(group=group, unit=unit_a, level=Level.STRATEGIC, user=participant_a, by=operator)
    assert group.programme is None
    a = assessment_start(person=participant_a, group=group, stage=Stage.START, by=participant_a)
    assert a.office_may_see is False


def test_no_seat_no_assessment(seats, group, stranger):
    with pytest.raises(ValidationError, match="holds no seat"):
        assessment_start(person=stranger, group=group, stage=Stage.START, by=stranger)
    assert not Assessment.objects.filter(person=stranger).exists()


def test_someone_else_cannot_start_my_self_assessment(seats, group):
    with pytest.raises(PermissionDenied):
        assessment_start(person=seats["maria"], group=group, stage=Stage.START, by=seats["olek"])
    assert not Assessment.objects.exists()


def test_end_only_after_the_start_is_submitted(seats, group, scheme):
    olek = seats["olek"]
    assessment_start(person=olek, group=group, stage=Stage.START, by=olek)
    with pytest.raises(ValidationError, match="once the assessment at the start"):
        assessment_start(person=olek, group=group, stage=Stage.END, by=olek)
    assert not Assessment.objects.filter(stage=Stage.END).exists()
    submitted(olek, group, scheme)
    end = assessment_start(person=olek, group=group, stage=Stage.END, by=olek)
    assert end.stage == Stage.END


def test_save_records_each_change_old_and_new(seats, group, scheme):
    maria = seats["maria"]
    a = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    a = assessment_save(
        assessment=a, by=maria, ratings={"MEASURE": (2, "Raport kwartalny")}, revision=1
    )
    assert a.revision == 2
    a = assessment_save(assessment=a, by=maria, ratings={"MEASURE": (3, "Raport")}, revision=2)
    change = a.changes.filter(kind="saved").order_by("changed_at", "pk").last()
    assert change.changes["MEASURE"] == [
        {"level": 2, "evidence": "Raport kwartalny"},
        {"level": 3, "evidence": "Raport"},
    ]
    assert change.changed_by == maria


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({"MEASURE": (5, "")}, "from 1 to 4"),
        ({"MEASURE": (0, "")}, "from 1 to 4"),
        ({"NO_SUCH": (2, "")}, "not a competency"),
        ({"MEASURE": (None, "Dowód bez poziomu")}, "Choose a level"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_stored(seats, group, ratings, message):
    maria = seats["maria"]
    a = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    with pytest.raises(ValidationError, match=message):
        assessment_save(assessment=a, by=maria, ratings=ratings, revision=1)
    a.refresh_from_db()
    assert a.revision == 1
    assert not Rating.objects.exists()
    assert not a.changes.filter(kind="saved").exists()


def test_a_stale_revision_is_refused(seats, group):
    maria = seats["maria"]
    a = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    assessment_save(assessment=a, by=maria, ratings={"MEASURE": (2, "")}, revision=1)
    with pytest.raises(AssessmentStale, match="Someone else saved"):
        assessment_save(assessment=a, by=maria, ratings={"MEASURE": (4, "")}, revision=1)
    assert Rating.objects.get().level == 2


def test_submit_names_the_competencies_without_a_level(seats, group, scheme):
    maria = seats["maria"]
    a = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    ratings = all_rated(scheme)
    del ratings["LEAD"]
    a = assessment_save(assessment=a, by=maria, ratings=ratings, revision=1)
    lead = scheme.competencies.get(code="LEAD")
    with pytest.raises(ValidationError, match=lead.name_en):
        assessment_submit(assessment=a, by=maria)
    a.refresh_from_db()
    assert a.submitted_at is None


def test_a_submitted_assessment_is_corrected_by_its_assessor_and_recorded(seats, group, scheme):
    maria = seats["maria"]
    a = submitted(maria, group, scheme)
    a = assessment_save(assessment=a, by=maria, ratings={"LEAD": (4, "Nowy")}, revision=a.revision)
    assert a.is_submitted
    assert a.ratings.get(competency__code="LEAD").level == 4
    assert a.changes.filter(kind="corrected").exists()
    with pytest.raises(ValidationError, match="keeps a level"):
        assessment_save(assessment=a, by=maria, ratings={"LEAD": (None, "")}, revision=a.revision)
    with pytest.raises(PermissionDenied):
        assessment_save(
            assessment=a, by=seats["anna"], ratings={"LEAD": (1, "")}, revision=a.revision
        )


def test_the_strategic_person_gives_a_second_view_of_their_units_people(seats, group, scheme):
    anna, maria = seats["anna"], seats["maria"]
    view = assessment_start(
        person=anna, group=group, stage=Stage.START, by=anna, role=Role.SUPERIOR, subject=maria
    )
    assert (view.person, view.assessor, view.seat) == (maria, anna, Level.MIDDLE)
    # Not of another unit's person, not by someone who is not the strategic person.
    with pytest.raises(PermissionDenied):
        assessment_start(
            person=anna,
            group=group,
            stage=Stage.START,
            by=anna,
            role=Role.SUPERIOR,
            subject=seats["bartek"],
        )
    with pytest.raises(PermissionDenied):
        assessment_start(
            person=seats["olek"],
            group=group,
            stage=Stage.START,
            by=seats["olek"],
            role=Role.SUPERIOR,
            subject=maria,
        )


# The pages.


def test_my_competencies_tells_who_will_read_before_starting(seats, group, programme_of_group):
    page = client_for(seats["maria"]).get(reverse("competency-home"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "will not read your individual answers" in text
    assert "Scheme: Competency scheme for managing public services 2026.1." in text
    assert "at least 5 people" in text
    programme_of_group.competency_office_sees = True
    programme_of_group.save()
    text = client_for(seats["maria"]).get(reverse("competency-home")).content.decode()
    assert "Doskonalenie usług" in text and "will read your individual answers" in text


def test_starting_is_a_post_and_opens_the_form(seats, group):
    client = client_for(seats["maria"])
    response = client.post(reverse("competency-start", args=[group.pk]), {"stage": "start"})
    a = Assessment.objects.get(person=seats["maria"])
    assert response.status_code == 302
    assert response["Location"] == reverse("competency-assessment", args=[a.pk])
    form = client.get(response["Location"])
    text = form.content.decode()
    assert "expected for your seat" in text
    assert 'name="level_MEASURE"' in text and 'name="evidence_MEASURE"' in text


def test_starting_without_a_seat_is_hidden(seats, group, stranger):
    response = client_for(stranger).post(
        reverse("competency-start", args=[group.pk]), {"stage": "start"}
    )
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def _post(scheme, level=3, action="save", revision=1, **extra):
    data = {"revision": str(revision), "action": action}
    for c in scheme.competencies.all():
        data[f"level_{c.code}"] = str(level)
        data[f"evidence_{c.code}"] = f"Dowód {c.code}"
    data.update(extra)
    return data


def test_the_form_saves_a_draft_then_submits(seats, group, scheme):
    maria = seats["maria"]
    client = client_for(maria)
    a = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    url = reverse("competency-assessment", args=[a.pk])
    response = client.post(url, _post(scheme))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.submitted_at is None and a.ratings.count() == scheme.competencies.count()
    response = client.post(url, _post(scheme, action="submit", revision=a.revision))
    assert response.status_code == 302
    assert response["Location"] == reverse("competency-profile", args=[group.pk])
    a.refresh_from_db()
    assert a.is_submitted


def test_the_form_with_a_bad_level_shows_it_beside_the_field_and_keeps_the_input(
    seats, group, scheme
):
    maria = seats["maria"]
    a = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    data = _post(scheme, level_MEASURE="7", evidence_LEAD="Mój ważny przykład")
    response = client_for(maria).post(reverse("competency-assessment", args=[a.pk]), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose a level from 1 to 4." in text
    assert "Mój ważny przykład" in text
    assert not Rating.objects.exists()


def test_a_stale_form_shows_their_input_again(seats, group, scheme):
    maria = seats["maria"]
    a = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    assessment_save(assessment=a, by=maria, ratings={"MEASURE": (1, "")}, revision=1)
    data = _post(scheme, revision=1, evidence_LEAD="Nie zgub tego")
    response = client_for(maria).post(reverse("competency-assessment", args=[a.pk]), data)
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved" in text and "Nie zgub tego" in text
    assert 'name="revision" value="2"' in text
    assert Rating.objects.get().level == 1


def test_submitting_an_incomplete_form_keeps_the_draft_and_says_what_is_missing(
    seats, group, scheme
):
    maria = seats["maria"]
    a = assessment_start(person=maria, group=group, stage=Stage.START, by=maria)
    data = _post(scheme, action="submit", level_LEAD="", evidence_LEAD="")
    client = client_for(maria)
    response = client.post(reverse("competency-assessment", args=[a.pk]), data, follow=True)
    assert "not submitted" in response.content.decode()
    a.refresh_from_db()
    assert a.submitted_at is None and a.ratings.count() == scheme.competencies.count() - 1


def test_profile_shows_the_chart_gaps_change_and_second_view(seats, group, scheme):
    maria, anna = seats["maria"], seats["anna"]
    submitted(maria, group, scheme, level=1)
    submitted(maria, group, scheme, stage=Stage.END, level=2)
    submitted(anna, group, scheme, level=3, role=Role.SUPERIOR, subject=maria)
    page = client_for(maria).get(reverse("competency-profile", args=[group.pk]))
    assert page.status_code == 200
    profile = page.context["profile"]
    gaps = [row.line.gap for row in profile.gaps]
    assert gaps == sorted(gaps, reverse=True)
    assert all(row.line.change == 1 for row in profile.rows)
    assert all(row.line.superior == 3 for row in profile.rows)
    text = page.content.decode()
    assert "data-chart" in text and "Change from the start" in text and "Second view" in text
    # The person reads the submitted second view itself, evidence and all.
    second = client_for(maria).get(reverse("competency-assessment", args=[profile.superior.pk]))
    assert second.status_code == 200 and "Read the second view with its evidence" in text


def test_the_profile_says_no_gap_where_at_or_above(seats, group, scheme):
    anna = seats["anna"]
    submitted(anna, group, scheme, level=4)
    page = client_for(anna).get(reverse("competency-profile", args=[group.pk]))
    assert "no gap" in page.content.decode()
    assert not page.context["profile"].with_gaps


def test_a_second_view_is_written_from_the_strategic_persons_page(seats, group, scheme):
    anna, maria = seats["anna"], seats["maria"]
    client = client_for(anna)
    home = client.get(reverse("competency-home")).content.decode()
    assert "Maria Średnia" in home and "Olek Operacyjny" in home and "Bartek" not in home
    response = client.post(
        reverse("competency-start", args=[group.pk]), {"stage": "start", "person": maria.pk}
    )
    view = Assessment.objects.get(role=Role.SUPERIOR)
    assert response["Location"] == reverse("competency-assessment", args=[view.pk])
    assert "expected for this seat" in client.get(response["Location"]).content.decode()
    # Of another unit's person: hidden.
    response = client.post(
        reverse("competency-start", args=[group.pk]),
        {"stage": "start", "person": seats["bartek"].pk},
    )
    assert response.status_code == 404
    assert Assessment.objects.filter(role=Role.SUPERIOR).count() == 1


def test_the_menu_offers_competencies_to_participants_not_to_the_office(seats, operator):
    link = f'href="{reverse("competency-home")}"'
    participant = client_for(seats["maria"]).get(reverse("start")).content.decode()
    nav = participant.split('<ul class="links">')[1].split("</ul>")[0]
    assert link in nav
    office = client_for(operator).get(reverse("start")).content.decode()
    assert link not in office.split('<ul class="links">')[1].split("</ul>")[0]


def test_the_heaviest_pages_make_a_bounded_number_of_queries(
    seats, group, scheme, django_assert_max_num_queries
):
    maria, anna = seats["maria"], seats["anna"]
    submitted(maria, group, scheme, level=1)
    submitted(maria, group, scheme, stage=Stage.END, level=2)
    submitted(anna, group, scheme, level=3, role=Role.SUPERIOR, subject=maria)
    client = client_for(maria)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("competency-profile", args=[group.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("competency-home")).status_code == 200
    assessment = maria.competency_assessments.get(stage=Stage.END, role=Role.SELF)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("competency-assessment", args=[assessment.pk]))
        assert response.status_code == 200
