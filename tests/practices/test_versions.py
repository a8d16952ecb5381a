"""Versions and concurrent edits: publishing keeps version 1, each edit of a published
practice the next one (who and when), and a form opened before someone else saved
stores nothing and says who changed it."""

import pytest

from benchlearn.practices.models import Audience, PracticeState
from benchlearn.practices.services import (
    PracticeStale,
    practice_comment_add,
    practice_publish,
    practice_submit,
    practice_update,
)
from tests.conftest import client_for
from tests.practices.conftest import practice_input


@pytest.fixture
def public(draft, participant_a, moderator):
    practice_submit(practice=draft, by=participant_a)
    return practice_publish(practice=draft, by=moderator, audience=Audience.PUBLIC)


def test_publishing_keeps_version_one(public, moderator):
    version = public.versions.get()
    assert version.number == 1 and version.created_by == moderator
    assert version.snapshot["title"] == "Dowóz uczniów na żądanie"
    assert version.snapshot["indicators"] == [{"indicator": "COST", "before": 2023, "after": 2024}]


def test_each_edit_of_a_published_practice_is_a_new_version(public, participant_a, middle_a):
    for number, (title, person) in enumerate(
        [("Dowóz na żądanie", participant_a), ("Dowóz uczniów 2.0", middle_a)], start=2
    ):
        practice_update(
            practice=public,
            data=practice_input(title=title),
            by=person,
            base_revision=public.revision,
        )
        public.refresh_from_db()
        version = public.versions.get(number=number)
        assert version.snapshot["title"] == title and version.created_by == person
    assert public.state == PracticeState.PUBLISHED
    assert public.versions.get(number=1).snapshot["title"] == "Dowóz uczniów na żądanie"
    edits = public.events.filter(kind="edited").order_by("pk")
    assert [event.by for event in edits] == [participant_a, middle_a]


def test_an_edit_of_a_draft_makes_no_version(draft, participant_a):
    practice_update(
        practice=draft, data=practice_input(title="Inny"), by=participant_a, base_revision=None
    )
    assert not draft.versions.exists()


def test_two_people_editing_never_overwrite_each_other(draft, participant_a, middle_a):
    opened = draft.revision  # both open the form
    practice_update(
        practice=draft, data=practice_input(title="Anny"), by=participant_a, base_revision=opened
    )
    with pytest.raises(PracticeStale, match="Anna Uczestniczka changed this practice"):
        practice_update(
            practice=draft, data=practice_input(title="Marty"), by=middle_a, base_revision=opened
        )
    draft.refresh_from_db()
    assert draft.title == "Anny"


def test_the_form_says_so_and_keeps_what_was_typed(draft, participant_a, middle_a):
    opened = draft.revision
    practice_update(
        practice=draft, data=practice_input(title="Anny"), by=participant_a, base_revision=opened
    )
    response = client_for(middle_a).post(
        f"/practices/{draft.pk}/edit/",
        {"title": "Marty", "audience": "members", "revision": str(opened)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Anna Uczestniczka changed this practice after you opened it" in page
    assert 'value="Marty"' in page
    draft.refresh_from_db()
    assert draft.title == "Anny"


def test_the_versions_pages(public, participant_b):
    client = client_for(participant_b)
    assert client.get(f"/practices/{public.pk}/versions/").status_code == 200
    page = client.get(f"/practices/{public.pk}/versions/1/")
    assert page.status_code == 200 and "Dowóz uczniów na żądanie" in page.content.decode()
    assert client.get(f"/practices/{public.pk}/versions/2/").status_code == 404


def test_a_reviewer_never_publishes_what_they_have_not_read(draft, participant_a, moderator):
    practice_submit(practice=draft, by=participant_a)
    shown = draft.revision  # the moderator opens the practice in review
    client_for(moderator).post(
        f"/practices/{draft.pk}/step/", {"step": "return", "comment": "Dodajcie koszt."}
    )
    draft.refresh_from_db()
    practice_update(
        practice=draft, data=practice_input(title="Zmieniony"), by=participant_a,
        base_revision=draft.revision,
    )  # fmt: skip
    practice_submit(practice=draft, by=participant_a)
    # The moderator's old page (a second tab) publishes: refused, nothing published.
    response = client_for(moderator).post(
        f"/practices/{draft.pk}/step/",
        {"step": "publish", "audience": "public", "revision": str(shown)},
        follow=True,
    )
    assert "Anna Uczestniczka changed this practice after you opened it" in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.state == PracticeState.REVIEW and not draft.versions.exists()


def test_a_comment_is_not_a_change_that_stops_a_step(draft, participant_a, moderator):
    practice_submit(practice=draft, by=participant_a)
    shown = draft.revision
    practice_comment_add(practice=draft, by=participant_a, text="Koszt dopiszemy.")
    practice_publish(practice=draft, by=moderator, audience=Audience.MEMBERS, base_revision=shown)
    assert draft.state == PracticeState.PUBLISHED
