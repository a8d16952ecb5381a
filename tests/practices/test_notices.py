"""Each step of a practice's review tells whoever takes the next one, with a link to
the practice: sent for review → the group's moderator; returned, published → the unit's
team. Whoever took the step is not told; a refused step tells nobody."""

import pytest
from django.core.exceptions import PermissionDenied

from benchlearn.notifications.models import Notification
from benchlearn.practices.models import Audience
from benchlearn.practices.services import practice_publish, practice_return, practice_submit
from tests.notifications.conftest import deliver, forget


def test_the_moderator_is_asked_and_the_team_told(draft, participant_a, middle_a, moderator):
    forget()
    practice_submit(practice=draft, by=participant_a)
    assert deliver() == [
        ("To review: the good practice “Dowóz uczniów na żądanie” of Bielsko-Biała",
         [moderator.email]),
    ]  # fmt: skip
    practice_return(practice=draft, by=moderator, comment="Dodajcie koszt.")
    returned = deliver()
    assert all(subject.startswith("Returned with comments") for subject, _to in returned)
    told = sorted(email for _subject, to in returned for email in to)
    assert told == sorted([participant_a.email, middle_a.email])
    mine = Notification.objects.filter(recipient=middle_a, kind="practice_returned").get()
    assert mine.link == f"/practices/{draft.pk}/"
    practice_submit(practice=draft, by=middle_a)
    deliver()
    practice_publish(practice=draft, by=moderator, audience=Audience.PUBLIC)
    published = deliver()
    assert {subject for subject, _to in published} == {
        "Published: the good practice “Dowóz uczniów na żądanie”"
    }
    assert sorted(email for _subject, to in published for email in to) == told


def test_a_refused_step_tells_nobody(draft, participant_a, participant_b):
    practice_submit(practice=draft, by=participant_a)
    forget()
    with pytest.raises(PermissionDenied):
        practice_publish(practice=draft, by=participant_b, audience=Audience.PUBLIC)
    assert deliver() == []
