"""Draft → review → published, to the members or to everyone: who may take each step
(checked by the services, whatever the page offers) and who reads the practice."""

import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.groups.services import group_create
from benchlearn.practices.models import Audience, Practice, PracticeState
from benchlearn.practices.services import (
    IndicatorInput,
    PracticeError,
    practice_comment_add,
    practice_create,
    practice_publish,
    practice_return,
    practice_submit,
    practice_update,
    practice_withdraw,
)
from tests.conftest import client_for
from tests.practices.conftest import practice_input


def test_the_team_writes_and_sends_and_the_moderator_publishes(draft, participant_a, moderator):
    assert draft.state == PracticeState.DRAFT
    practice_submit(practice=draft, by=participant_a)
    assert draft.state == PracticeState.REVIEW
    practice_publish(practice=draft, by=moderator, audience=Audience.PUBLIC)
    draft.refresh_from_db()
    assert draft.state == PracticeState.PUBLISHED and draft.audience == Audience.PUBLIC
    assert draft.published_at is not None
    assert [e.kind for e in draft.events.order_by("pk")] == ["created", "submitted", "published"]


def test_a_participant_cannot_publish_not_even_their_own(draft, participant_a, participant_b):
    practice_submit(practice=draft, by=participant_a)
    for person in (participant_a, participant_b):
        with pytest.raises(PermissionDenied):
            practice_publish(practice=draft, by=person, audience=Audience.PUBLIC)
    draft.refresh_from_db()
    assert draft.state == PracticeState.REVIEW


def test_the_office_publishes_too(draft, participant_a, operator):
    practice_submit(practice=draft, by=participant_a)
    practice_publish(practice=draft, by=operator, audience=Audience.MEMBERS)
    assert draft.state == PracticeState.PUBLISHED


def test_a_moderator_of_another_group_does_not_review(draft, participant_a, nobody, unit_c):
    group_create(name="Inna", service="Drogi", cycle_start=2025, moderator=nobody, units=[unit_c])
    practice_submit(practice=draft, by=participant_a)
    with pytest.raises(PermissionDenied):
        practice_publish(practice=draft, by=nobody, audience=Audience.PUBLIC)


def test_another_units_person_does_not_write_up_unit_as_practice(results, unit_a, stranger):
    with pytest.raises(PermissionDenied):
        practice_create(unit=unit_a, data=practice_input(), by=stranger)
    assert not Practice.objects.exists()


def test_returning_needs_a_comment_and_makes_it_a_draft_again(draft, participant_a, moderator):
    practice_submit(practice=draft, by=participant_a)
    with pytest.raises(PracticeError, match="write a comment"):
        practice_return(practice=draft, by=moderator)
    assert draft.state == PracticeState.REVIEW
    practice_return(practice=draft, by=moderator, comment="Dodajcie koszt.")
    assert draft.state == PracticeState.DRAFT
    assert draft.comments.get().text == "Dodajcie koszt."


def test_a_comment_written_before_returning_is_enough(draft, participant_a, moderator):
    practice_submit(practice=draft, by=participant_a)
    practice_comment_add(practice=draft, by=moderator, text="Brakuje wyników.")
    practice_return(practice=draft, by=moderator)
    assert draft.state == PracticeState.DRAFT


def test_sending_needs_the_problem_and_what_was_done(results, unit_a, participant_a):
    practice = practice_create(
        unit=unit_a, data=practice_input(problem="", solution=" "), by=participant_a
    )
    with pytest.raises(PracticeError, match="the problem and what was done"):
        practice_submit(practice=practice, by=participant_a)
    practice.refresh_from_db()
    assert practice.state == PracticeState.DRAFT


def test_in_review_the_practice_is_not_changed(draft, participant_a):
    practice_submit(practice=draft, by=participant_a)
    with pytest.raises(PracticeError, match="in review"):
        practice_update(
            practice=draft, data=practice_input(title="Inny"), by=participant_a, base_revision=None
        )
    draft.refresh_from_db()
    assert draft.title == "Dowóz uczniów na żądanie"


def test_withdrawing_needs_a_reason(draft, participant_a, moderator):
    practice_submit(practice=draft, by=participant_a)
    practice_publish(practice=draft, by=moderator, audience=Audience.PUBLIC)
    with pytest.raises(PracticeError, match="why"):
        practice_withdraw(practice=draft, by=participant_a)
    practice_withdraw(practice=draft, by=participant_a, reason="Nieaktualne.")
    assert draft.state == PracticeState.DRAFT


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", " ", "title"),
        ("cost", -1, "negative"),
        ("months_to_implement", 999, "months"),
        ("delivery_form", "magic", "organisational form"),
        ("audience", "friends", "members or everyone"),
        ("tags", [f"t{i}" for i in range(11)], "At most 10 tags"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    results, unit_a, participant_a, field, value, message
):
    data = practice_input(**{field: value})
    with pytest.raises(PracticeError, match=message):
        practice_create(unit=unit_a, data=data, by=participant_a)
    assert not Practice.objects.exists()


def test_unknown_indicators_and_years_are_refused(results, unit_a, participant_a):
    for rows, message in (
        ([IndicatorInput("NOPE", 2023)], "no indicator NOPE"),
        ([IndicatorInput("COST", 2024, 2023)], "after the year before"),
        ([IndicatorInput("COST", 20)], "not a year"),
        ([IndicatorInput("COST", 2023), IndicatorInput("COST", 2022)], "once"),
    ):
        with pytest.raises(PracticeError, match=message):
            practice_create(unit=unit_a, data=practice_input(indicators=rows), by=participant_a)
    assert not Practice.objects.exists()


# --- who reads it: the pages ------------------------------------------------------------


def _status(user, name, practice):
    path = {"detail": f"/practices/{practice.pk}/", "portal": f"/portal/practices/{practice.pk}/"}
    return client_for(user).get(path[name]).status_code


def test_a_draft_and_one_in_review_are_hidden_from_outsiders(
    draft, programme, participant_a, moderator
):
    for state in ("draft", "review"):
        if state == "review":
            practice_submit(practice=draft, by=participant_a)
        assert _status(participant_a, "detail", draft) == 200
        assert _status(moderator, "detail", draft) == 200
        assert _status(programme["operator"], "detail", draft) == 200
        for outsider in ("participant_b", "stranger", "nobody"):
            assert _status(programme[outsider], "detail", draft) == 404, (state, outsider)
        assert _status(None, "portal", draft) == 404
        assert _status(participant_a, "portal", draft) == 404


def test_published_to_members_is_read_by_the_programme_not_the_public(
    draft, programme, participant_a, moderator
):
    practice_submit(practice=draft, by=participant_a)
    practice_publish(practice=draft, by=moderator, audience=Audience.MEMBERS)
    for member in ("participant_b", "stranger"):
        assert _status(programme[member], "detail", draft) == 200
    assert _status(programme["nobody"], "detail", draft) == 404
    assert _status(None, "portal", draft) == 404


def test_published_to_everyone_is_on_the_portal_without_an_account(draft, participant_a, moderator):
    practice_submit(practice=draft, by=participant_a)
    practice_publish(practice=draft, by=moderator, audience=Audience.PUBLIC)
    response = client_for(None).get(f"/portal/practices/{draft.pk}/")
    assert response.status_code == 200
    assert "Dowóz uczniów na żądanie" in response.content.decode()


def test_the_step_page_says_why_a_participant_cannot_publish(draft, participant_a):
    practice_submit(practice=draft, by=participant_a)
    response = client_for(participant_a).post(
        f"/practices/{draft.pk}/step/", {"step": "publish", "audience": "public"}
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == PracticeState.REVIEW
