"""Each step of a plan's workflow tells whoever takes the next one (in the app and by
e-mail, in their language, with a link to the plan): submitted → the unit's strategic
level; confirmed → the group's moderator; sent back, returned, adopted → the unit's team.
Whoever took the step is not told; a refused step tells nobody. Checked through the
outbox, with the queued tasks run as a worker would."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from benchlearn.notifications.models import Notification
from benchlearn.notifications.services import preferences_set
from benchlearn.plans.services import (
    PlanError,
    action_comment_add,
    action_save,
    plan_adopt,
    plan_confirm,
    plan_return,
    plan_send_back,
    plan_start,
    plan_submit,
)
from tests.notifications.conftest import deliver, forget, queued_notifications
from tests.plans.test_actions import action_input


@pytest.fixture(autouse=True)
def polish_site(settings):
    settings.LANGUAGE_CODE = "pl"


@pytest.fixture
def english(middle_a):
    """Marta reads Benchlearn in English; the site and everyone else in Polish."""
    middle_a.language = "en"
    middle_a.save(update_fields=["language"])
    return middle_a


@pytest.fixture
def drafted(results, group, unit_a, participant_a, middle_a):
    plan = plan_start(unit=unit_a, group=group, by=participant_a)
    action_save(plan=plan, data=action_input(), by=middle_a)
    forget()
    return plan


@pytest.fixture
def submitted(drafted, middle_a):
    plan_submit(plan=drafted, by=middle_a)
    forget()
    return drafted


@pytest.fixture
def in_review(submitted, participant_a):
    plan_confirm(plan=submitted, by=participant_a)
    forget()
    return submitted


def _recipients(sent):
    return sorted(address for _subject, to in sent for address in to)


def test_a_submitted_plan_asks_the_strategic_level_to_confirm(
    english, drafted, participant_a, moderator, participant_b
):
    plan_submit(plan=drafted, by=english)
    assert mail.outbox == []  # queued, not sent inside the step
    sent = deliver()
    assert sent == [("Do zatwierdzenia: plan usprawnień, Bielsko-Biała", ["anna@example.org"])]
    body = mail.outbox[0].body
    assert "Marta Średnia" in body and "GWD Oświata" in body
    assert f"/plans/{drafted.pk}/" in body
    (notification,) = Notification.objects.filter(kind="plan_submitted")
    assert notification.recipient == participant_a
    assert notification.link == f"/plans/{drafted.pk}/"


def test_a_confirmed_plan_asks_the_moderator_to_review(submitted, participant_a, moderator):
    plan_confirm(plan=submitted, by=participant_a)
    sent = deliver()
    assert _recipients(sent) == ["moderator@example.org"]
    assert sent[0][0] == "Do oceny: plan usprawnień, Bielsko-Biała"
    assert Notification.objects.get(kind="plan_confirmed").recipient == moderator


def test_a_plan_sent_back_tells_the_team_with_the_comment_in_each_ones_language(
    english, submitted, participant_a
):
    plan_send_back(plan=submitted, by=participant_a, comment="Brakuje kosztów.")
    sent = deliver()
    assert sent == [("Sent back: the improvement plan of Bielsko-Biała", ["marta@example.org"])]
    assert "Comment: Brakuje kosztów." in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=participant_a).exists()  # who sent it


def test_a_returned_plan_tells_the_whole_team(english, in_review, moderator):
    action_comment_add(action=in_review.actions.get(), text="Dodajcie termin.", by=moderator)
    plan_return(plan=in_review, by=moderator, comment="Proszę o poprawki.")
    sent = dict((to[0], subject) for subject, to in deliver())
    assert sent == {
        "anna@example.org": "Zwrócono z uwagami: plan usprawnień, Bielsko-Biała",
        "marta@example.org": "Returned with comments: the improvement plan of Bielsko-Biała",
    }
    assert all("Proszę o poprawki." in message.body for message in mail.outbox)
    assert not Notification.objects.filter(recipient=moderator).exists()


def test_an_adopted_plan_tells_the_team(english, in_review, moderator, participant_b):
    plan_adopt(plan=in_review, by=moderator)
    sent = deliver()
    assert _recipients(sent) == ["anna@example.org", "marta@example.org"]
    polish = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert polish.subject == "Przyjęto: plan usprawnień, Bielsko-Biała"
    assert not Notification.objects.filter(recipient=participant_b).exists()  # another unit


def test_the_team_can_switch_plan_notices_off_by_email(in_review, moderator, participant_a):
    preferences_set(user=participant_a, chosen={"plan_adopted": (False, True)})
    plan_adopt(plan=in_review, by=moderator)
    assert "anna@example.org" not in _recipients(deliver())
    (notification,) = Notification.objects.filter(recipient=participant_a, kind="plan_adopted")
    assert notification.shown and not notification.emailed


def test_a_refused_or_impossible_step_tells_nobody(drafted, submitted, middle_a, moderator):
    with pytest.raises(PermissionDenied):
        plan_confirm(plan=submitted, by=middle_a)  # not the strategic level
    with pytest.raises(PlanError):
        plan_adopt(plan=submitted, by=moderator)  # not in review yet
    assert queued_notifications() == []
    assert not Notification.objects.exists()
