"""E-mails are written in each recipient's language (chosen on the preferences page),
with absolute links; old notifications are pruned."""

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from benchlearn.notifications.models import Notification
from benchlearn.notifications.services import notifications_prune, notify
from tests.conftest import client_for
from tests.notifications.conftest import deliver, forget

PARAMS = {"unit": "Bielsko-Biała", "round": "Oświata 2024"}


def test_each_recipient_reads_the_email_in_their_language(settings, participant_a, participant_b):
    settings.LANGUAGE_CODE = "pl"  # the site's language
    settings.SITE_URL = "https://benchlearn.example.org"
    participant_b.language = "en"
    participant_b.save(update_fields=["language"])
    forget()
    notify(
        kind="submission_approved",
        recipients=[participant_a, participant_b],
        params=PARAMS,
        link="/rounds/1/",
    )
    deliver()
    by_person = {m.to[0]: m for m in mail.outbox}
    english, polish = by_person["bartek@example.org"], by_person["anna@example.org"]
    assert english.subject == "Approved: Bielsko-Biała, Oświata 2024"
    assert "Choose which notifications you receive" in english.body
    assert polish.subject == "Zatwierdzono: Bielsko-Biała, Oświata 2024"
    for message in (english, polish):
        assert "https://benchlearn.example.org/rounds/1/" in message.body
        assert "https://benchlearn.example.org/notifications/preferences/" in message.body


def test_the_language_is_chosen_on_the_preferences_page(participant_a):
    client = client_for(participant_a)
    page = client.get("/notifications/preferences/").text
    assert 'name="language"' in page
    response = client.post("/notifications/preferences/", {"language": "en"})
    assert response.status_code == 302
    participant_a.refresh_from_db()
    assert participant_a.language == "en"
    assert response.cookies["django_language"].value == "en"


def test_an_unknown_language_is_refused_and_nothing_is_stored(participant_a):
    client = client_for(participant_a)
    response = client.post("/notifications/preferences/", {"language": "de"})
    assert response.status_code == 400
    assert "Choose Polish or English as your language." in response.text
    participant_a.refresh_from_db()
    assert participant_a.language == ""
    assert not participant_a.notification_preferences.exists()  # the switches too


def _sent(user, days_ago, *, read):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    return Notification.objects.create(
        recipient=user, kind="results_new", params={}, created_at=at, read_at=at if read else None
    )


def test_old_notifications_are_pruned(participant_a):
    kept = [
        _sent(participant_a, 100, read=True),
        _sent(participant_a, 179, read=True),
        _sent(participant_a, 200, read=False),
        _sent(participant_a, 364, read=False),
    ]
    _sent(participant_a, 181, read=True)
    _sent(participant_a, 366, read=False)
    _sent(participant_a, 400, read=True)
    assert notifications_prune() == 3
    assert sorted(Notification.objects.values_list("pk", flat=True)) == sorted(n.pk for n in kept)


def test_prune_notifications_command(participant_a, capsys):
    _sent(participant_a, 200, read=True)
    fresh = _sent(participant_a, 1, read=True)
    call_command("prune-notifications")
    assert capsys.readouterr().out.strip() == "1"
    assert list(Notification.objects.all()) == [fresh]
