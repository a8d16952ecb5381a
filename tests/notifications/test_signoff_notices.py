"""Internal sign-off tells the unit's strategic level, when a form awaits it and again
when the deadline is near; the units whose data only await sign-off are not reminded
as if nothing was done. Checked through the outbox, with the queued tasks run."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from benchlearn.collection.models import SubmissionState
from benchlearn.collection.notices import deadlines_near_notify
from benchlearn.collection.reminders import round_remind
from benchlearn.collection.services import submission_signoff_request
from benchlearn.notifications.models import Notification
from benchlearn.notifications.services import preferences_set
from benchlearn.units.models import Level
from benchlearn.units.services import unit_membership_set
from tests.conftest import TERYT_A, client_for, make_user
from tests.notifications.conftest import COMPLETE, deliver, forget, save


@pytest.fixture
def signoff_round(round_):
    round_.internal_signoff = True
    round_.save(update_fields=["internal_signoff"])
    return round_


@pytest.fixture
def middle_a(unit_a):
    user = make_user("srednia@example.org", "Sylwia Średnia")
    unit_membership_set(user=user, unit=unit_a, level=Level.MIDDLE)
    return user


def request_signoff(submission, user):
    assert save(submission, user, {c: (t, "ok") for c, t in COMPLETE.items()}).ok
    submission.refresh_from_db()
    return submission_signoff_request(
        submission=submission, user=user, base_revision=submission.revision
    )


def test_a_form_awaiting_signoff_tells_the_strategic_level_only(
    signoff_round, sub_a, participant_a, middle_a, operator
):
    forget()
    request_signoff(sub_a, middle_a)
    assert mail.outbox == []  # queued, not sent inside the step
    sent = deliver()
    assert sent == [("To sign off: Bielsko-Biała, Oświata 2024", ["anna@example.org"])]
    body = mail.outbox[0].body
    assert "await your sign-off" in body
    assert f"http://localhost:8000/rounds/{signoff_round.pk}/units/{TERYT_A}/" in body
    assert Notification.objects.filter(recipient=participant_a, kind="signoff_awaited").exists()
    assert not Notification.objects.filter(recipient=middle_a).exists()


def test_the_strategic_level_can_switch_signoff_notices_off(
    signoff_round, sub_a, participant_a, middle_a
):
    preferences_set(user=participant_a, chosen={"signoff_awaited": (False, True)})
    forget()
    request_signoff(sub_a, middle_a)
    assert deliver() == []  # no e-mail
    (notification,) = Notification.objects.filter(recipient=participant_a)
    assert notification.shown and not notification.emailed


def _deadline_in(round_, days):
    round_.deadline = timezone.localdate() + datetime.timedelta(days=days)
    round_.save(update_fields=["deadline"])


def test_deadline_near_asks_the_strategic_level_to_sign_off_instead_of_nagging_the_unit(
    signoff_round, sub_a, participant_a, middle_a, participant_b
):
    request_signoff(sub_a, middle_a)
    _deadline_in(signoff_round, 2)
    forget()
    deadlines_near_notify()
    sent = deliver()
    by_person = {to[0]: subject for subject, to in sent}
    # Unit A's data only await sign-off: its strategic level is asked to sign off, and
    # nobody of unit A is told the data have not been submitted.
    assert by_person["anna@example.org"] == "To sign off: Bielsko-Biała, Oświata 2024"
    assert "srednia@example.org" not in by_person
    assert "due by" in mail.outbox[[to[0] for _s, to in sent].index("anna@example.org")].body
    # Unit B has done nothing: it is reminded as before.
    assert by_person["bartek@example.org"].startswith("Reminder:")
    deadlines_near_notify()
    assert deliver() == []  # once per person, round and deadline


def test_the_operators_reminder_asks_for_signoff_too(
    signoff_round, sub_a, participant_a, middle_a, participant_b, operator
):
    request_signoff(sub_a, middle_a)
    forget()
    reminded = round_remind(round_=signoff_round, user=operator)
    assert "Bielsko-Biała" in reminded.units
    assert "anna@example.org" in reminded.recipients
    assert "srednia@example.org" not in reminded.recipients
    subjects = {to[0]: subject for subject, to in deliver()}
    assert subjects["anna@example.org"].startswith("To sign off:")
    assert sub_a.__class__.objects.get(pk=sub_a.pk).state == SubmissionState.SIGNOFF


def test_the_round_page_counts_forms_awaiting_signoff_among_those_to_remind(
    signoff_round, sub_a, middle_a, operator
):
    page = reverse("round-detail", args=[signoff_round.pk])
    before = client_for(operator).get(page).context["waiting"]
    request_signoff(sub_a, middle_a)
    # Still not sent out of the unit: "Send reminders" stays on and counts it.
    response = client_for(operator).get(page)
    assert response.context["waiting"] == before > 0
    assert f"E-mails the people of {before} units whose data" in response.content.decode()
